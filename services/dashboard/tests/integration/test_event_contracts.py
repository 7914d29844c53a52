"""The dashboard consumes events as contracts: every golden example each of its queues receives is
handled by that queue's consumer, with the real handler table on the real database."""
import pytest

from dropin_common.testing_fixtures import all_handled, feed_golden_examples
from dropin_common.topology import DASHBOARD_ACCOUNTS_QUEUE, DASHBOARD_QUEUE

pytestmark = pytest.mark.integration


def test_the_projections_consumer_handles_every_golden_example_its_queue_receives(container, empty_read_models):
    outcomes = feed_golden_examples(container, DASHBOARD_QUEUE)
    assert len(outcomes) == 7  # stream.* (4), lead.created, organization.* (2)
    assert all_handled(outcomes) == []


def test_the_accounts_consumer_handles_every_golden_example_its_queue_receives(container, empty_read_models):
    outcomes = feed_golden_examples(container, DASHBOARD_ACCOUNTS_QUEUE, container.accounts_consumer())
    assert len(outcomes) == 4  # account.registered, .updated, .presence_changed, .tokens_revoked
    assert all_handled(outcomes) == []
