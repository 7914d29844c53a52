"""Organizations (dealerships). The token is the shopper site's secret for `POST /leads`."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime


@dataclass
class Organization:
    id: str
    name: str
    code: str
    loan_link: str | None
    token: str
    created_at: datetime
    updated_at: datetime

    @property
    def token_hash(self) -> str:
        """What other services get instead of the token: enough to check one, never to show one."""
        return hashlib.sha256(self.token.encode()).hexdigest()

    def rename(self, name: str, now: datetime) -> None:
        self.name = name
        self.updated_at = now

    def set_loan_link(self, loan_link: str | None, now: datetime) -> None:
        self.loan_link = loan_link
        self.updated_at = now

    def rotate_token(self, token: str, now: datetime) -> None:
        self.token = token
        self.updated_at = now
