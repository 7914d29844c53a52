"""Streams judges every token by its own accounts replica (fed by auth's `account.*` events), not
by the token's claims: a switched-off dealer is refused everywhere, an unknown account too."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from dropin_common.auth import sql_token_verifier
from dropin_common.timeutil import utcnow
from dropin_streams.entrypoints.http import create_app

from .conftest import seed_dealer, seed_organization


@pytest.fixture
def client(container):
    seed_organization(container)
    return create_app(container).test_client()


def code_of(response) -> tuple[int, str]:
    return response.status_code, response.get_json()["error"]["code"]


def test_a_dealer_switched_off_in_the_replica_is_refused_on_every_action(client, container, tokens):
    seed_dealer(container, "dora", status="inactive")
    headers = {"Authorization": f"JWT {tokens.issue('dora', 'dealer', 'org-1')}"}

    listing = client.get("/streams", headers=headers)
    ping = client.post("/ping", headers=headers)
    presence = client.post("/socket/auth", headers=headers,
                           json={"socket_id": "1.2", "channel_name": "presence-organization-org-1"})

    for response in (listing, ping, presence):
        assert code_of(response) == (403, "account_inactive")


def test_an_admin_token_of_an_account_the_replica_knows_as_a_dealer_lists_only_its_organization(
        client, container, tokens):
    seed_organization(container, "org-2", "OTHER")
    seed_dealer(container, "dora", org_id="org-2")
    client.post("/streams/request/ACME", json={"vin": "1HGCM82633A004352"})
    headers = {"Authorization": f"JWT {tokens.issue('dora', 'admin', None)}"}

    response = client.get("/streams", headers=headers)

    assert response.status_code == 200 and response.get_json() == []


def test_a_correctly_signed_token_for_an_account_never_heard_of_is_a_401(client, tokens):
    headers = {"Authorization": f"JWT {tokens.issue('nobody-knows', 'admin', None)}"}

    assert code_of(client.get("/streams", headers=headers)) == (401, "unknown_account")


def test_a_just_activated_dealers_first_request_waits_for_the_replica(container, tokens):
    # auth activated the dealer (updatedAt = now) and issued a token saying so (`ver`); the replica
    # still holds the inactive registration and hears of the activation a moment later.
    seed_organization(container)
    activated_at = utcnow()
    seed_dealer(container, "fresh", status="inactive")
    with container.engine.begin() as conn:  # the registration, older than the activation
        accounts = container.tables["accounts"]
        conn.execute(accounts.update().where(accounts.c.id == "fresh")
                     .values(updated_at=activated_at - timedelta(seconds=5)))
    token = tokens.issue("fresh", "dealer", "org-1", ver=activated_at.timestamp())
    patient = replace(container, verifier=sql_token_verifier(
        tokens.public_pem, container.engine, container.tables, accounts=container.tables["accounts"],
        replica_wait_seconds=5.0))
    activation = threading.Timer(0.4, seed_dealer, args=(container, "fresh"))
    activation.start()

    response = create_app(patient).test_client().get("/streams", headers={"Authorization": f"JWT {token}"})

    activation.join()
    assert response.status_code == 200, response.get_json()
