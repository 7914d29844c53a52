"""Who may act on a stream's chat, and who a message is from: chat's one policy.

- A token, whenever one is sent (to post or to read), must be an admin's or belong to the stream's
  organization (403 `not_your_stream`); it is never silently treated as the shopper.
- With a token, the sender is that account: `from` may be omitted, otherwise it must be the
  account's id. Only the stream's dealer, or an admin, may write on a stream.
- Without a token, the sender is the shopper (whoever holds the stream id): `from` is `"shopper"`
  when omitted, else a display name of at most 100 characters, NFKC-normalised, without control or
  invisible characters, and never something that passes for the dealer: an account id (any
  UUID, compared after normalisation) or a role word such as "dealer".
"""
from __future__ import annotations

import unicodedata
import uuid

from dropin_common.kernel import InvalidInput, NotAllowed, Principal

from .streams import StreamMembership

SHOPPER = "shopper"
MAX_DISPLAY_NAME_LENGTH = 100
# Names a reader would take for the dealership's side of the conversation.
RESERVED_NAMES = frozenset({"dealer", "admin", "administrator", "system", "dropin", "support"})
# Control, format (zero-width, bidi overrides), unassigned, private-use and surrogate characters,
# and line/paragraph separators: invisible or layout-changing, nothing a display name needs.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def ensure_may_act(principal: Principal | None, stream: StreamMembership) -> None:
    """The rule for every chat action: no token (the shopper), or one of the stream's side."""
    if principal is not None and not belongs_to_stream(principal, stream):
        raise NotAllowed("This token belongs to another organization.", code="not_your_stream")


def belongs_to_stream(principal: Principal, stream: StreamMembership) -> bool:
    """An admin, or a token of the stream's organization (the same rule as streams')."""
    return principal.is_admin or (principal.organization_id is not None
                                  and principal.organization_id == stream.organization_id)


def resolve_sender(claimed: str | None, principal: Principal | None, stream: StreamMembership) -> str:
    if claimed is not None and not claimed.strip():
        raise InvalidInput("from must not be empty; omit it to use the default.",
                           code="invalid_field", field="from")
    ensure_may_act(principal, stream)
    if principal is not None:
        return _account_sender(claimed, principal, stream)
    return _shopper_sender(claimed, stream)


def may_write(principal: Principal, stream: StreamMembership) -> bool:
    return principal.is_admin or principal.account_id == stream.dealer_id


def _account_sender(claimed: str | None, principal: Principal, stream: StreamMembership) -> str:
    if claimed is not None and claimed.strip() != principal.account_id:
        raise NotAllowed("from must be the account of the token.", code="sender_mismatch", field="from")
    if not may_write(principal, stream):
        raise NotAllowed("Only the stream's dealer or an admin can write on this stream.",
                         code="not_stream_dealer")
    return principal.account_id


def _shopper_sender(claimed: str | None, stream: StreamMembership) -> str:
    if claimed is None:
        return SHOPPER
    name = unicodedata.normalize("NFKC", claimed).strip()
    if not name:
        raise InvalidInput("from must not be empty; omit it to use the default.",
                           code="invalid_field", field="from")
    if any(unicodedata.category(char) in _INVISIBLE_CATEGORIES for char in name):
        raise InvalidInput("from must not contain control or invisible characters.",
                           code="invalid_field", field="from")
    if len(name) > MAX_DISPLAY_NAME_LENGTH:
        raise InvalidInput(f"from must be at most {MAX_DISPLAY_NAME_LENGTH} characters.",
                           code="invalid_field", field="from")
    if name == stream.dealer_id or _looks_like_account_id(name) or name.casefold() in RESERVED_NAMES:
        raise NotAllowed("Writing as an account needs that account's token.",
                         code="sender_requires_token", field="from")
    return name


def _looks_like_account_id(name: str) -> bool:
    try:
        uuid.UUID(name)
    except ValueError:
        return False
    return True
