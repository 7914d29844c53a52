"""`/organizations*`: admin management of organizations; a dealer may read its own."""
from __future__ import annotations

from flask import Blueprint, request

from dropin_common.auth import ROLE_ADMIN
from dropin_common.http import authenticated, json_body
from dropin_common.query import load_or_400, parse_filters

from ..domain.filters import Page
from ..use_cases.organizations import (
    CreateOrganization, UpdateOrganization, create_organization, get_organization, list_organizations,
    update_organization)
from ..use_cases.snapshots import organization_view
from .request_context import actor, container
from .schemas import OrganizationCreateSchema, OrganizationListSchema, OrganizationPatchSchema

organizations = Blueprint("organizations", __name__)


@organizations.post("/organizations")
@authenticated(ROLE_ADMIN)
def create():
    """---
    post:
      tags: [organizations]
      summary: Create an organization (admin)
      description: >
        Admin only. `crmLeadEmails` (at most 5 addresses that receive each lead as ADF/XML) and
        `managerEmails` (at most 10, alerted about missed calls) are optional. A new organization token (what shoppers' clients send to the streams
        service as `organizationToken`) is generated and returned; an unknown field is a 400.
      security: [{apikey: [], jwt: []}]
      requestBody:
        required: true
        content: {application/json: {schema: OrganizationCreateSchema}}
      responses:
        201: {description: "The organization: id, name, code, loanLink, createdAt, updatedAt, timezone, businessHours, holidays, token."}
        400: A missing or invalid name, code, loanLink, timezone, businessHours (a bad time, an unknown day, overlapping intervals) or holidays, or an unknown field.
        401: No token, or an invalid, expired or revoked one.
        403: The caller is not an admin.
        409: An organization with this code already exists.
    """
    body = load_or_400(OrganizationCreateSchema(), json_body())
    c = container()
    organization = create_organization(c.uow(), c.clock, actor(), CreateOrganization(**body))
    return organization_view(organization, include_token=True), 201


@organizations.get("/organizations")
@authenticated(ROLE_ADMIN)
def list_all():
    """---
    get:
      tags: [organizations]
      summary: List organizations (admin)
      description: Admin only. Sorted by name; `name` matches a substring, case-insensitively.
      security: [{apikey: [], jwt: []}]
      parameters: [{in: query, schema: OrganizationListSchema}]
      responses:
        200: {description: "A page of organizations, each with its token."}
        400: A bad skip or limit.
        401: No token, or an invalid, expired or revoked one.
        403: The caller is not an admin.
    """
    filters = parse_filters(OrganizationListSchema(), request.args)
    page = Page(skip=filters["skip"], limit=filters["limit"])
    found = list_organizations(container().uow(), actor(), page, filters["name"])
    return [organization_view(organization, include_token=True) for organization in found]


@organizations.get("/organizations/<organization_id>")
@authenticated()
def get(organization_id: str):
    """---
    get:
      tags: [organizations]
      summary: One organization
      description: >
        Admins see any organization, with its token; a dealer only the organization it belongs
        to, without the token (any other looks unknown: 404).
      security: [{apikey: [], jwt: []}]
      responses:
        200: {description: "The organization: id, name, code, loanLink, createdAt, updatedAt (and token, for admins)."}
        401: No token, or an invalid, expired or revoked one.
        404: No such organization, or not the calling dealer's.
    """
    caller = actor()
    organization = get_organization(container().uow(), caller, organization_id)
    return organization_view(organization, include_token=caller.is_admin)


@organizations.patch("/organizations/<organization_id>")
@authenticated(ROLE_ADMIN)
def update(organization_id: str):
    """---
    patch:
      tags: [organizations]
      summary: Rename an organization, set its loan link or business hours, or rotate its token (admin)
      description: >
        Admin only. An empty `loanLink` (or null) clears the link. `rotateToken: true` replaces
        the organization token (the streams service stops accepting the old one once the
        `organization.updated` event reaches it). `timezone`, `businessHours` and `holidays`
        replace the ones stored (null or {} hours = always open). An unknown field is a 400.
      security: [{apikey: [], jwt: []}]
      requestBody:
        required: true
        content: {application/json: {schema: OrganizationPatchSchema}}
      responses:
        200: {description: "The changed organization, with its token."}
        400: An invalid name, loanLink, timezone, businessHours (a bad time, an unknown day, overlapping intervals) or holidays, or an unknown field.
        401: No token, or an invalid, expired or revoked one.
        403: The caller is not an admin.
        404: No such organization.
    """
    body = load_or_400(OrganizationPatchSchema(), json_body())
    c = container()
    command = UpdateOrganization(organization_id=organization_id, **body)
    organization = update_organization(c.uow(), c.clock, actor(), command)
    return organization_view(organization, include_token=True)
