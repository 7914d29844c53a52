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
    body = load_or_400(OrganizationCreateSchema(), json_body())
    c = container()
    organization = create_organization(c.uow(), c.clock, actor(), CreateOrganization(**body))
    return organization_view(organization, include_token=True), 201


@organizations.get("/organizations")
@authenticated(ROLE_ADMIN)
def list_all():
    filters = parse_filters(OrganizationListSchema(), request.args)
    page = Page(skip=filters["skip"], limit=filters["limit"])
    found = list_organizations(container().uow(), actor(), page, filters["name"])
    return [organization_view(organization, include_token=True) for organization in found]


@organizations.get("/organizations/<organization_id>")
@authenticated()
def get(organization_id: str):
    caller = actor()
    organization = get_organization(container().uow(), caller, organization_id)
    return organization_view(organization, include_token=caller.is_admin)


@organizations.patch("/organizations/<organization_id>")
@authenticated(ROLE_ADMIN)
def update(organization_id: str):
    body = load_or_400(OrganizationPatchSchema(), json_body())
    c = container()
    command = UpdateOrganization(organization_id=organization_id, **body)
    organization = update_organization(c.uow(), c.clock, actor(), command)
    return organization_view(organization, include_token=True)
