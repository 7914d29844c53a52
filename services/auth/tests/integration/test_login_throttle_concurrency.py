"""The login limit holds when many attempts race, as they do across gunicorn workers."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from dropin_auth.domain.errors import InvalidCredentials, LoginRateLimited
from dropin_auth.use_cases.registration import RegisterDealer, register_dealer
from dropin_auth.use_cases.sessions import LogIn, log_in


def test_concurrent_failed_logins_never_exceed_the_limit(container):
    register_dealer(container.uow(), container.hasher, container.clock, RegisterDealer(
        email="ann@example.com", password="correct horse", username="ann", first_name="Ann", last_name="Lee"))

    def attempt(_):
        try:
            log_in(container.uow(), container.credentials,
                   LogIn(identifier="ann@example.com", password="wrong password", client_ip="203.0.113.9"))
        except (InvalidCredentials, LoginRateLimited) as exc:
            return type(exc).__name__

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(8)))

    # The test settings allow 3 failures per window.
    assert outcomes.count("InvalidCredentials") == 3
    assert outcomes.count("LoginRateLimited") == 5
