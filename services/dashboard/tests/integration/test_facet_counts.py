"""Counts by status / vehicle (facet_counts) and by name (the narrow name tables) stay those of the
rows, whatever order the events come in, and after a recount."""
import pytest

from tests.payloads import lead_payload, stream_payload

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("empty_read_models")]

FILTERS = [{"status": status} for status in ("requested", "streaming", "missed", "completed", "expired")] + [
    {"status": "missed,completed"}, {"carMake": "TOYOTA"}, {"carMake": "honda"}, {"carModel": "civic"},
    {"carType": "sedan"}, {"name": "guy"}, {"name": "HOA"}, {"name": "tran"}]
PERIODS = [{}, {"from": "2026-06-16", "to": "2026-06-16"}, {"from": "2026-06-16", "timezoneoffset": -420},
           {"to": "2026-06-16", "timezoneoffset": 300},
           {"from": "2026-06-15", "to": "2026-06-17", "timezoneoffset": -345}]


def get(client, headers, endpoint, **params):
    response = client.get(f"/dashboard/{endpoint}", headers=headers, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def assert_counts_match_lists(client, headers):
    for criteria in FILTERS:
        for period in PERIODS:
            params = {**criteria, **period, "limit": 100}
            for kind, listing in (("call", "getcalls"), ("lead", "getleads")):
                listed = len(get(client, headers, listing, **params))
                assert get(client, headers, f"count{kind}", **params) == {"count": listed}, (kind, params)


def facet_counts(probe):
    return probe.scalar("SELECT coalesce(json_agg(f ORDER BY kind, facet, value, day), '[]')::text "
                        "FROM facet_counts f WHERE count <> 0")


def test_counts_follow_out_of_order_events_and_survive_a_recount(client, admin_headers, publisher, probe,
                                                                  container):
    ended, moving, honda = ("5a1c0000-0000-4000-8000-00000000000" + digit for digit in "123")
    # A lead before its stream; the stop before the request and accept (which then change nothing).
    first = [publisher.publish("lead.created", {"lead": lead_payload(ended, first_name="Hoa", last_name="Nguyen",
                                                                     created_at="2026-06-16T20:00:00Z")}),
             publisher.publish("stream.stopped", {"stream": stream_payload(
                 ended, version=3, status="missed", requested_at="2026-06-16T19:55:00Z")})]
    probe.wait_handled(*first)
    late = [publisher.publish("stream.requested", {"stream": stream_payload(
                ended, version=1, requested_at="2026-06-16T19:55:00Z")}),
            publisher.publish("stream.accepted", {"stream": stream_payload(
                ended, version=2, status="streaming", requested_at="2026-06-16T19:55:00Z")})]
    # One stream through every status, its lead arriving mid-way; another vehicle, requested only.
    lifecycle = [publisher.publish("stream.requested", {"stream": stream_payload(moving, version=1)}),
                 publisher.publish("stream.accepted", {"stream": stream_payload(
                     moving, version=2, status="streaming")}),
                 publisher.publish("lead.created", {"lead": lead_payload(
                     moving, first_name="Bao", last_name="Tran")}),
                 publisher.publish("stream.stopped", {"stream": stream_payload(
                     moving, version=3, status="completed")}),
                 publisher.publish("stream.requested", {"stream": stream_payload(
                     honda, version=1, make="Honda", model="Civic", car_type="Coupe",
                     requested_at="2026-06-15T23:30:00Z")})]
    probe.wait_handled(*late, *lifecycle)

    assert get(client, admin_headers, "countcall", status="missed") == {"count": 1}
    assert get(client, admin_headers, "countlead", status="completed") == {"count": 1}
    assert get(client, admin_headers, "countcall", status="streaming") == {"count": 0}
    assert_counts_match_lists(client, admin_headers)

    kept = facet_counts(probe)
    container.maintenance.recount_periods()
    assert facet_counts(probe) == kept
    assert_counts_match_lists(client, admin_headers)
