from datetime import datetime, timedelta, timezone

from dropin_auth.domain.login_attempts import LoginThrottle, identifier_key, throttle_key

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_attempts_below_the_limit_are_allowed():
    throttle = LoginThrottle(max_failures=3, window=timedelta(minutes=5))

    assert throttle.retry_after_seconds([NOW, NOW], [NOW, NOW], NOW) is None


def test_retry_after_counts_from_the_oldest_failure_that_still_counts():
    throttle = LoginThrottle(max_failures=2, window=timedelta(minutes=5))
    failures = [NOW - timedelta(seconds=200), NOW - timedelta(seconds=100), NOW - timedelta(seconds=10)]

    assert throttle.retry_after_seconds(failures, failures, NOW) == 200


def test_failures_on_one_identifier_from_many_addresses_are_limited_too():
    throttle = LoginThrottle(max_failures=3, max_identifier_failures=5, window=timedelta(minutes=5))
    spread = [NOW - timedelta(seconds=60 - n) for n in range(5)]  # one per address: none over 3

    assert throttle.retry_after_seconds([spread[-1]], spread, NOW) == 240
    assert throttle.retry_after_seconds([spread[-1]], spread[:4], NOW) is None


def test_throttle_key_ignores_identifier_case_and_spaces():
    assert throttle_key("1.2.3.4", " Ann@Example.com") == throttle_key("1.2.3.4", "ann@example.com")
    assert throttle_key(None, "ann") != throttle_key("1.2.3.4", "ann")


def test_the_identifier_key_is_shared_by_every_address_and_never_one_of_theirs():
    assert identifier_key(" Ann ") == identifier_key("ann")
    assert identifier_key("ann") not in (throttle_key(None, "ann"), throttle_key("1.2.3.4", "ann"))
