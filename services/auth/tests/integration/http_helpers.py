"""A small client over Flask's test client for the HTTP tests."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from dropin_auth.adapters.tables import messaging
from dropin_auth.use_cases.registration import EnsureAdmin, ensure_admin

PASSWORD = "correct horse"


@dataclass
class AuthClient:
    client: object
    container: object

    def call(self, method: str, path: str, *, token: str | None = None, json=None, headers=None, **kwargs):
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"JWT {token}"
        return self.client.open(path, method=method, json=json, headers=all_headers, **kwargs)

    def register(self, n: int | str, **overrides) -> dict:
        body = {"email": f"dealer{n}@example.com", "password": PASSWORD, "firstName": "Dana",
                "lastName": f"Dealer{n}", "username": f"dealer{n}"}
        body.update(overrides)
        response = self.call("POST", "/auth/register", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def activated(self, account: dict) -> dict:
        """Switches a registered account on the way an admin would (inactive accounts cannot log
        in), without needing an admin's token."""
        c = self.container
        with c.uow() as uow:
            stored = uow.accounts.get(account["id"])
            stored.administer(c.clock.now(), status="active")
            uow.accounts.save(stored)
            uow.commit()
        return {**account, "status": "active"}

    def login(self, identifier: str, password: str = PASSWORD, field: str = "email") -> str:
        response = self.call("POST", "/auth", json={field: identifier, "password": password})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["token"]

    def admin_token(self) -> str:
        c = self.container
        ensure_admin(c.uow(), c.hasher, c.clock, EnsureAdmin("admin@example.com", PASSWORD))
        return self.login("admin@example.com")

    def organization(self, admin: str, code: str = "acme", name: str = "Acme Motors") -> dict:
        response = self.call("POST", "/organizations", token=admin, json={"name": name, "code": code})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def outbox_rows(self, topic: str) -> list:
        """The broker events of one type auth queued, oldest first."""
        outbox = messaging["outbox"]
        with self.container.engine.connect() as conn:
            return conn.execute(sa.select(outbox).where(outbox.c.destination == "broker", outbox.c.topic == topic)
                                .order_by(outbox.c.id)).all()

    def active_dealer(self, admin: str, n: int | str, organization_id: str | None = None,
                      **overrides) -> tuple[dict, str]:
        account = self.register(n, **overrides)
        patch = {"status": "active"}
        if organization_id:
            patch["organizationId"] = organization_id
        response = self.call("PATCH", f"/accounts/{account['id']}", token=admin, json=patch)
        assert response.status_code == 200, response.get_json()
        return response.get_json(), self.login(account["email"])
