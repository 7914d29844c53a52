"""The dashboard tells how fresh its figures are: the age of the newest event its consumer applied,
in `/readyz` and in the `X-Data-Age-Seconds` header of its reads."""
from datetime import timedelta

import pytest

from dropin_common.timeutil import utcnow
from tests.payloads import organization_payload

pytestmark = pytest.mark.integration


def test_a_lagging_consumer_shows_as_the_age_of_the_newest_applied_event(client, admin_headers, publisher, probe,
                                                                        container):
    with container.engine.begin() as conn:  # forget what earlier tests applied
        conn.execute(container.tables["consumer_progress"].delete())
    # An event that took 5 minutes to arrive, as when the consumer was stopped and catches up.
    event = publisher.publish("organization.created",
                              {"organization": organization_payload("org-age", name="Old News")},
                              occurred_at=utcnow() - timedelta(minutes=5))
    probe.wait_handled(event)

    ready = client.get("/readyz")
    assert ready.status_code == 200
    lag = ready.get_json()["detail"]["consumer"]
    assert 300 <= lag["dataAgeSeconds"] < 3600 and lag["lastAppliedAt"] and lag["newestEventAt"]

    response = client.get("/dashboard/getcalls", headers=admin_headers)
    assert response.status_code == 200
    assert 300 <= int(response.headers["X-Data-Age-Seconds"]) < 3600

    fresh = publisher.publish("organization.updated", {"organization": organization_payload(
        "org-age", name="New", updated_at="2026-07-01T00:00:00Z")})
    probe.wait_handled(fresh)
    assert int(client.get("/dashboard/getcalls", headers=admin_headers).headers["X-Data-Age-Seconds"]) < 60
