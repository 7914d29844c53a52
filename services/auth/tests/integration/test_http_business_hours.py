"""Business hours, holidays and time zone on organizations, through the HTTP edge: stored in
canonical form, carried by organization.* events, bad input a 400 naming the field."""
from __future__ import annotations

import pytest

from dropin_auth.entrypoints.http import create_app

from .http_helpers import AuthClient

HOURS = {"fri": [["13:00", "22:00"], ["09:00", "12:00"]], "sat": [["22:00", "02:00"]]}


@pytest.fixture
def api(container) -> AuthClient:
    return AuthClient(create_app(container).test_client(), container)


@pytest.fixture
def admin(api) -> str:
    return api.admin_token()


def organization_events(engine):
    import sqlalchemy as sa
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT payload FROM outbox WHERE destination = 'broker' "
                                    "AND topic LIKE 'organization.%' ORDER BY id")).all()
    return [row.payload["data"]["organization"] for row in rows]


def test_an_admin_sets_hours_on_creation_and_changes_them_with_a_patch(api, admin, container):
    created = api.call("POST", "/organizations", token=admin, json={
        "name": "Night Owl Motors", "code": "night-owl", "timezone": "America/Denver",
        "businessHours": HOURS, "holidays": ["2026-12-25", "2026-01-01"]})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["timezone"] == "America/Denver"
    assert body["businessHours"] == {"fri": [["09:00", "12:00"], ["13:00", "22:00"]],
                                     "sat": [["22:00", "02:00"]]}
    assert body["holidays"] == ["2026-01-01", "2026-12-25"]

    patched = api.call("PATCH", f"/organizations/{body['id']}", token=admin,
                       json={"businessHours": {}, "timezone": "Europe/Paris"})
    assert patched.status_code == 200, patched.get_json()
    assert (patched.get_json()["businessHours"], patched.get_json()["timezone"]) == ({}, "Europe/Paris")
    assert patched.get_json()["holidays"] == ["2026-01-01", "2026-12-25"]  # untouched

    created_event, updated_event = organization_events(container.engine)[-2:]
    assert created_event["businessHours"] == body["businessHours"] and created_event["timezone"] == "America/Denver"
    assert (updated_event["businessHours"], updated_event["timezone"]) == ({}, "Europe/Paris")
    assert updated_event["holidays"] == ["2026-01-01", "2026-12-25"]


def test_an_organization_without_hours_is_always_open_in_utc(api, admin):
    body = api.organization(admin, code="plain")
    assert (body["timezone"], body["businessHours"], body["holidays"]) == ("UTC", {}, [])


def test_setting_the_same_hours_again_publishes_nothing(api, admin, container):
    organization = api.organization(admin, code="steady")
    first = api.call("PATCH", f"/organizations/{organization['id']}", token=admin, json={"businessHours": HOURS})
    assert first.status_code == 200
    count = len(organization_events(container.engine))
    again = api.call("PATCH", f"/organizations/{organization['id']}", token=admin,
                     json={"businessHours": {"sat": [["22:00", "02:00"]], "fri": HOURS["fri"]}})
    assert again.status_code == 200 and again.get_json()["updatedAt"] == first.get_json()["updatedAt"]
    assert len(organization_events(container.engine)) == count


@pytest.mark.parametrize("body, field, fragment", [
    ({"businessHours": {"mon": [["09:00", "18:60"]]}}, "businessHours", "18:60"),
    ({"businessHours": {"funday": [["09:00", "18:00"]]}}, "businessHours", "funday"),
    ({"businessHours": {"mon": [["09:00", "13:00"], ["12:30", "18:00"]]}}, "businessHours", "overlaps"),
    ({"businessHours": {"mon": [["09:00", "18:00", "20:00"]]}}, "businessHours", "pair"),
    ({"holidays": ["25/12/2026"]}, "holidays", "25/12/2026"),
    ({"holidays": "2026-12-25"}, "holidays", "list"),
    ({"timezone": "Middle/Earth"}, "timezone", "IANA"),
    ({"timezone": ""}, "timezone", "IANA"),
])
def test_bad_hours_are_a_400_naming_the_field(api, admin, body, field, fragment):
    organization = api.organization(admin, code="strict")
    for method, path, sent in (("PATCH", f"/organizations/{organization['id']}", body),
                               ("POST", "/organizations", {"name": "X", "code": "strict2", **body})):
        response = api.call(method, path, token=admin, json=sent)
        assert response.status_code == 400, response.get_json()
        error = response.get_json()["error"]
        assert error["field"] == field and fragment in error["message"]


def test_a_dealer_cannot_set_hours(api, admin):
    organization = api.organization(admin, code="guarded")
    _dealer, token = api.active_dealer(admin, 1, organization["id"])
    response = api.call("PATCH", f"/organizations/{organization['id']}", token=token,
                        json={"businessHours": HOURS})
    assert response.status_code == 403
    assert api.call("PATCH", f"/organizations/{organization['id']}", json={"businessHours": HOURS}).status_code == 401
