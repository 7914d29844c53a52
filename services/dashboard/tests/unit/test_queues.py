"""The dashboard's two queues: every event it handles reaches exactly one of them, and what token
checks read (accounts, revocations) reaches the accounts consumer, not the projections'."""
from dropin_common.topology import DASHBOARD_ACCOUNTS_QUEUE, DASHBOARD_QUEUE, binding_pattern
from dropin_dashboard.adapters.event_handlers import event_handlers


def queues_binding(event_type: str) -> list[str]:
    return [queue.name for queue in (DASHBOARD_QUEUE, DASHBOARD_ACCOUNTS_QUEUE)
            if any(binding_pattern(binding).fullmatch(event_type) for binding in queue.bindings)]


def test_every_event_the_dashboard_handles_reaches_exactly_one_of_its_queues():
    handled = {event_type for event_type, _version in event_handlers(lambda _conn: None)}
    assert {event_type: len(queues_binding(event_type)) for event_type in handled} == dict.fromkeys(handled, 1)


def test_account_events_and_revocations_go_to_the_accounts_queue_and_leave_the_old_one():
    for event_type in ("account.registered", "account.updated", "account.presence_changed",
                       "account.tokens_revoked"):
        assert queues_binding(event_type) == ["dashboard-accounts"]
        assert event_type in DASHBOARD_QUEUE.retired_bindings  # unbound from `dashboard` on upgrade
    for event_type in ("stream.requested", "lead.created", "organization.updated"):
        assert queues_binding(event_type) == ["dashboard"]
