"""`cli rebuild` empties the read models and inbox; replayed events then rebuild them."""
import os
import subprocess
import sys

import pytest

from dropin_common.testing import known_account
from tests.integration.conftest import ADMIN_ID, SERVICE_DIR
from tests.payloads import lead_payload, stream_payload

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("empty_read_models")]


def counts(client, headers):
    return client.get("/dashboard/countallcalllead", headers=headers).get_json()


def test_rebuild_then_replay_restores_the_same_read_models(client, admin_headers, publisher, probe,
                                                           database_url, container):
    stream_id = "7d0e7b7c-0000-4000-8000-000000000001"
    envelopes = [("stream.stopped", {"stream": stream_payload(stream_id, version=3, status="completed")}),
                 ("lead.created", {"lead": lead_payload(stream_id, first_name="Replay")})]
    events = [publisher.publish(kind, data) for kind, data in envelopes]
    probe.wait_handled(*events)
    before = client.get("/dashboard/getcalls", headers=admin_headers).get_json()

    result = subprocess.run([sys.executable, "-m", "dropin_dashboard.entrypoints.cli", "rebuild"],
                            cwd=SERVICE_DIR, env={**os.environ, "DATABASE_URL": database_url},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    # A real replay brings auth's account events back too; here only the admin is needed.
    known_account(container.engine, container.tables["dealers"], ADMIN_ID, "admin")
    assert counts(client, admin_headers) == {"calls": 0, "leads": 0}
    assert not probe.handled(*events)

    # What a producer relay does after `UPDATE outbox SET sent_at = NULL`: the same envelopes again.
    replayed = [publisher.publish(event.type, event.data, event_id=event.id) for event in reversed(events)]
    probe.wait_handled(*replayed)
    assert client.get("/dashboard/getcalls", headers=admin_headers).get_json() == before
    assert counts(client, admin_headers) == {"calls": 1, "leads": 1}
