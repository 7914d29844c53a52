"""Auth's events as contracts: everything it writes to its outbox for the broker matches the
golden example of its type and version, and its consumer handles the golden example of every
event its queue receives."""
import pytest

from dropin_auth.entrypoints.http import create_app
from dropin_auth.use_cases.presence import lapse_presence
from dropin_common.contracts import auth as contracts
from dropin_common.contracts.golden import assert_matches_golden
from dropin_common.contracts.streams import DealerPresenceLapsed
from dropin_common.testing_fixtures import all_handled, broker_envelopes, feed_golden_examples
from dropin_common.timeutil import parse_iso
from dropin_common.topology import AUTH_QUEUE

from .http_helpers import AuthClient

pytestmark = pytest.mark.integration


def test_every_event_auth_writes_matches_its_golden_example(container):
    api = AuthClient(create_app(container).test_client(), container)
    admin = api.admin_token()
    organization = api.organization(admin)
    assert api.call("PATCH", f"/organizations/{organization['id']}", token=admin,
                    json={"name": "Acme Cars"}).status_code == 200
    dealer, token = api.active_dealer(admin, 1, organization["id"])
    online = api.call("POST", "/accounts/status/online", token=token).get_json()
    lapse_presence(container.uow(), container.clock, DealerPresenceLapsed(
        account_id=dealer["id"], organization_id=organization["id"], last_seen_at=parse_iso(online["updatedAt"]),
        timeout_seconds=120))
    assert api.call("POST", "/auth/logout", token=api.login(dealer["email"])).status_code == 200

    envelopes = broker_envelopes(container)
    assert {envelope["type"] for envelope in envelopes} == {cls.TYPE for cls in contracts.CONTRACTS}
    for envelope in envelopes:
        assert_matches_golden(envelope)


def test_the_consumer_handles_every_golden_example_its_queue_receives(container):
    outcomes = feed_golden_examples(container, AUTH_QUEUE)
    assert list(outcomes) == [DealerPresenceLapsed.key()]
    assert all_handled(outcomes) == []
