"""`/organizations*`: admin management of organizations; a dealer may read its own."""
from __future__ import annotations

from dropin_common.api import Blueprint
from dropin_common.auth import ROLE_ADMIN

from ..domain.filters import Page
from ..use_cases.organizations import (
    CreateOrganization, UpdateOrganization, create_organization, get_organization, list_organizations,
    update_organization)
from ..use_cases.snapshots import organization_view
from .request_context import actor, container
from .schemas import OrganizationCreateSchema, OrganizationListSchema, OrganizationPatchSchema, OrganizationSchema

organizations = Blueprint("organizations", __name__, description="Dealerships: admins manage them.")


@organizations.post("/organizations")
@organizations.authenticated(ROLE_ADMIN)
@organizations.arguments(OrganizationCreateSchema)
@organizations.response(201, OrganizationSchema)
@organizations.errors({409: "An organization with this code already exists."})
def create(body):
    """Create an organization (admin)

    `crmLeadEmails` (at most 5 addresses that receive each lead as ADF/XML) and `managerEmails`
    (at most 10, alerted about missed calls) are optional. A new organization token (what
    shoppers' clients send to the streams service as `organizationToken`) is generated and
    returned; an unknown field is a 400.
    """
    c = container()
    organization = create_organization(c.uow(), c.clock, actor(), CreateOrganization(**body))
    return organization_view(organization, include_token=True)


@organizations.get("/organizations")
@organizations.authenticated(ROLE_ADMIN)
@organizations.filters(OrganizationListSchema)
@organizations.response(200, OrganizationSchema(many=True))
def list_all(filters):
    """List organizations (admin)

    Sorted by name; `name` matches a substring, case-insensitively. Each with its token.
    """
    page = Page(skip=filters["skip"], limit=filters["limit"])
    found = list_organizations(container().reader(), actor(), page, filters["name"])
    return [organization_view(organization, include_token=True) for organization in found]


@organizations.get("/organizations/<organization_id>")
@organizations.authenticated()
@organizations.response(200, OrganizationSchema)
@organizations.errors({404: "No such organization, or not the calling dealer's."})
def get(organization_id: str):
    """One organization

    Admins see any organization, with its token; a dealer only the organization it belongs to,
    without the token (any other looks unknown: 404).
    """
    caller = actor()
    organization = get_organization(container().reader(), caller, organization_id)
    return organization_view(organization, include_token=caller.is_admin)


@organizations.patch("/organizations/<organization_id>")
@organizations.authenticated(ROLE_ADMIN)
@organizations.arguments(OrganizationPatchSchema)
@organizations.response(200, OrganizationSchema)
@organizations.errors({404: "No such organization."})
def update(body, organization_id: str):
    """Rename an organization, set its loan link or business hours, or rotate its token (admin)

    An empty `loanLink` (or null) clears the link. `rotateToken: true` replaces the organization
    token (the streams service stops accepting the old one once the `organization.updated` event
    reaches it). `timezone`, `businessHours` and `holidays` replace the ones stored. An unknown
    field is a 400. The answer carries the token.
    """
    c = container()
    command = UpdateOrganization(organization_id=organization_id, **body)
    organization = update_organization(c.uow(), c.clock, actor(), command)
    return organization_view(organization, include_token=True)
