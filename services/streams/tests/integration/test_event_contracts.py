"""Streams' events as contracts: everything it writes to its outbox for the broker matches the
golden example of its type and version, and its consumer handles every golden example its queue
receives (auth's account and organization events)."""
from dataclasses import replace
from datetime import timedelta

import pytest

from dropin_common.contracts import streams as contracts
from dropin_common.contracts.golden import assert_matches_golden
from dropin_common.testing_fixtures import all_handled, broker_envelopes, feed_golden_examples
from dropin_common.timeutil import utcnow
from dropin_common.topology import STREAMS_QUEUE
from dropin_streams.entrypoints.http import create_app
from dropin_streams.entrypoints.worker import ExpiryWorker

from .conftest import seed_dealer, seed_organization

pytestmark = pytest.mark.integration
VIN = "1HGCM82633A004352"


def test_every_event_streams_writes_matches_its_golden_example(container, issue_token):
    seed_organization(container)
    seed_dealer(container, "alice")
    client = create_app(container).test_client()
    alice = {"Authorization": f"JWT {issue_token('alice')}"}

    stream = client.post("/streams/request/ACME", json={"vin": VIN}).get_json()
    assert client.post(f"/streams/accept/{stream['id']}", headers=alice).status_code == 200
    assert client.post(f"/streams/stop/{stream['id']}", headers=alice).status_code == 200
    assert client.post(f"/streams/note/{stream['id']}", json={"note": "Test drive"}, headers=alice).status_code == 200
    assert client.post("/leads", json={"streamId": stream["id"], "firstName": "Sam",
                                       "email": "sam@example.com"}).status_code == 201
    with container.engine.begin() as conn:  # alice went silent: the worker reports her
        conn.execute(container.tables["accounts"].update().values(updated_at=utcnow() - timedelta(minutes=5)))
    ExpiryWorker(replace(container, settings=replace(container.settings, presence_timeout=timedelta(seconds=30)))
                 ).run_once()

    envelopes = broker_envelopes(container)
    assert {envelope["type"] for envelope in envelopes} == {cls.TYPE for cls in contracts.CONTRACTS}
    for envelope in envelopes:
        assert_matches_golden(envelope)


def test_the_consumer_handles_every_golden_example_its_queue_receives(container):
    outcomes = feed_golden_examples(container, STREAMS_QUEUE)
    assert len(outcomes) == 6  # organization.* (2), account.* (4)
    assert all_handled(outcomes) == []
