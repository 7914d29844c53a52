"""Who a message is from.

- With a token, the sender is that account: `from` may be omitted, otherwise it must be the
  account's id. Only the stream's dealer, or an admin, may write on a stream.
- Without a token, the sender is the shopper (whoever holds the stream id): `from` is `"shopper"`
  when omitted, else a display name of at most 100 characters, never something shaped like an
  account id (a UUID), so a shopper cannot pass as the dealer.
"""
from __future__ import annotations

import uuid

from dropin_common.auth import Principal
from dropin_common.errors import BadRequest, Forbidden

from .streams import StreamMembership

SHOPPER = "shopper"
MAX_DISPLAY_NAME_LENGTH = 100


def resolve_sender(claimed: str | None, principal: Principal | None, stream: StreamMembership) -> str:
    if claimed is not None and not claimed.strip():
        raise BadRequest("from must not be empty; omit it to use the default.",
                         code="invalid_field", field="from")
    if principal is not None:
        return _account_sender(claimed, principal, stream)
    return _shopper_sender(claimed, stream)


def may_write(principal: Principal, stream: StreamMembership) -> bool:
    return principal.is_admin or principal.account_id == stream.dealer_id


def _account_sender(claimed: str | None, principal: Principal, stream: StreamMembership) -> str:
    if claimed is not None and claimed.strip() != principal.account_id:
        raise Forbidden("from must be the account of the token.", code="sender_mismatch", field="from")
    if not may_write(principal, stream):
        raise Forbidden("Only the stream's dealer or an admin can write on this stream.",
                        code="not_stream_dealer")
    return principal.account_id


def _shopper_sender(claimed: str | None, stream: StreamMembership) -> str:
    if claimed is None:
        return SHOPPER
    name = claimed.strip()
    if len(name) > MAX_DISPLAY_NAME_LENGTH:
        raise BadRequest(f"from must be at most {MAX_DISPLAY_NAME_LENGTH} characters.",
                         code="invalid_field", field="from")
    if name == stream.dealer_id or _looks_like_account_id(name):
        raise Forbidden("Writing as an account needs that account's token.",
                        code="sender_requires_token", field="from")
    return name


def _looks_like_account_id(name: str) -> bool:
    try:
        uuid.UUID(name)
    except ValueError:
        return False
    return True
