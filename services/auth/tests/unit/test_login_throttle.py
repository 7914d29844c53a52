from datetime import datetime, timedelta, timezone

from dropin_auth.domain.login_attempts import LoginThrottle, throttle_key

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_attempts_below_the_limit_are_allowed():
    throttle = LoginThrottle(max_failures=3, window=timedelta(minutes=5))

    assert throttle.retry_after_seconds([NOW, NOW], NOW) is None


def test_retry_after_counts_from_the_oldest_failure_that_still_counts():
    throttle = LoginThrottle(max_failures=2, window=timedelta(minutes=5))
    failures = [NOW - timedelta(seconds=200), NOW - timedelta(seconds=100), NOW - timedelta(seconds=10)]

    assert throttle.retry_after_seconds(failures, NOW) == 200


def test_throttle_key_ignores_identifier_case_and_spaces():
    assert throttle_key("1.2.3.4", " Ann@Example.com") == throttle_key("1.2.3.4", "ann@example.com")
    assert throttle_key(None, "ann") != throttle_key("1.2.3.4", "ann")
