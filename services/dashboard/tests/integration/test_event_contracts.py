"""The dashboard consumes events as contracts: every golden example its queue receives is handled
by its real handler table on its real database."""
import pytest

from dropin_common.testing_fixtures import all_handled, feed_golden_examples
from dropin_common.topology import DASHBOARD_QUEUE

pytestmark = pytest.mark.integration


def test_the_consumer_handles_every_golden_example_its_queue_receives(container, empty_read_models):
    outcomes = feed_golden_examples(container, DASHBOARD_QUEUE)
    assert len(outcomes) == 11  # stream.* (4), lead.created, account.* (4), organization.* (2)
    assert all_handled(outcomes) == []
