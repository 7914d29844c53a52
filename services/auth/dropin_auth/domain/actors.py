"""Who is calling a use case, as far as authorization cares."""
from __future__ import annotations

from dataclasses import dataclass

from dropin_common.kernel import NotAllowed

from .accounts import ROLE_ADMIN


@dataclass(frozen=True)
class Actor:
    account_id: str
    role: str
    organization_id: str | None

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    def require_admin(self) -> None:
        if not self.is_admin:
            raise NotAllowed("This needs the admin role.", code="forbidden_role")
