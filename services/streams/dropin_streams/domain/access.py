"""One rule for every stream action: who the caller is to the stream, and what that lets them do.

Without a token the caller is the shopper: the stream id is their capability (the contract lets
them stop, log, leave a lead, ask for the loan link and read the stream without a login). A token,
whenever one is sent, must be an admin's or belong to the stream's organization; a dealer of
another organization is refused outright instead of being treated as a shopper.

The caller is the principal the HTTP edge verified (role, account id and organization id as the
service knows the account now); this module only needs those three attributes.
"""
from __future__ import annotations

import enum
from typing import Protocol

from dropin_common.kernel import NotAllowed, NotAuthenticated

ROLE_ADMIN = "admin"


class Caller(Protocol):
    @property
    def account_id(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def organization_id(self) -> str | None: ...


class StreamRole(enum.Enum):
    """Who the caller is to one stream; the value is what `stoppedBy` records."""
    SHOPPER = "shopper"        # no token: whoever holds the stream id
    DEALER = "dealer"          # the dealer who accepted the stream
    COLLEAGUE = "colleague"    # another dealer of the stream's organization
    ADMIN = "admin"

    @property
    def is_organization(self) -> bool:
        """The dealership's side: may see the stream's internals (note, logs)."""
        return self is not StreamRole.SHOPPER

    @property
    def manages_the_stream(self) -> bool:
        """Dealer actions (the note, a loan link sent with a token): the stream's dealer or an admin."""
        return self in (StreamRole.DEALER, StreamRole.ADMIN)


def role_towards_organization(organization_id: str, caller: Caller | None) -> StreamRole:
    """For actions on an organization without a stream (a lead by organization token)."""
    if caller is None:
        return StreamRole.SHOPPER
    if caller.role == ROLE_ADMIN:
        return StreamRole.ADMIN
    if caller.organization_id is None or caller.organization_id != organization_id:
        raise NotAllowed("This token belongs to another organization.", code="not_your_stream")
    return StreamRole.COLLEAGUE


def role_towards_stream(organization_id: str, dealer_id: str | None, caller: Caller | None) -> StreamRole:
    """403 for a token of another organization; otherwise the caller's role on the stream."""
    role = role_towards_organization(organization_id, caller)
    if role is StreamRole.COLLEAGUE and caller is not None and caller.account_id == dealer_id:
        return StreamRole.DEALER
    return role


def refuse_colleagues(role: StreamRole, action: str) -> None:
    """For actions the contract leaves open to the shopper (the loan link): a token, when sent,
    must be the stream's dealer's or an admin's, not any dealer of the organization."""
    if role is StreamRole.COLLEAGUE:
        raise NotAllowed(f"{action} is for the stream's dealer or an admin.", code="not_stream_dealer")


def require_stream_manager(role: StreamRole, action: str) -> None:
    """401 for the shopper (a login would help), 403 for a colleague (it would not)."""
    if role is StreamRole.SHOPPER:
        raise NotAuthenticated(f"{action} needs the stream's dealer or an admin: send 'Authorization: JWT <token>'.",
                               code="authentication_required")
    if not role.manages_the_stream:
        raise NotAllowed(f"{action} is for the stream's dealer or an admin.", code="not_stream_dealer")
