"""The rules every service applies to a verified token: the replica's account decides."""
from __future__ import annotations

import pytest

from dataclasses import replace

from dropin_common.auth import Principal
from dropin_common.errors import Forbidden, Unauthorized, http_status
from dropin_common.principals import AccountStanding, PrincipalLoader, TokenCheck
from dropin_common.waiting import ReplicaBehind

CLAIMS = Principal(account_id="acc-1", role="admin", organization_id="org-old", jti="j1",
                   issued_at=100.0, expires_at=200.0)


class ScriptedReplica:
    """Answers each check with the next scripted result (the last one repeats)."""

    def __init__(self, *answers: TokenCheck):
        self.answers = list(answers)
        self.calls = 0

    def check(self, claims) -> TokenCheck:
        self.calls += 1
        return self.answers[min(self.calls, len(self.answers)) - 1]


class FakeTime:
    def __init__(self):
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


def standing(status="active", role="dealer", org="org-new", updated_at=50.0) -> AccountStanding:
    return AccountStanding(role=role, status=status, organization_id=org, updated_at=updated_at)


def loader(replica, clock: FakeTime | None = None, wait: float = 2.0) -> PrincipalLoader:
    clock = clock or FakeTime()
    return PrincipalLoader(replica, wait_seconds=wait, poll_seconds=0.1, sleep=clock.sleep,
                           monotonic=clock.monotonic)


def test_the_replicas_role_and_organization_replace_the_tokens_claims():
    principal = loader(ScriptedReplica(TokenCheck(False, standing()))).load(replace(CLAIMS, account_version=50.0))
    assert (principal.role, principal.organization_id) == ("dealer", "org-new")
    assert principal.account_id == "acc-1"


def test_an_inactive_account_is_refused_with_403_even_with_an_admin_token():
    with pytest.raises(Forbidden) as refused:
        replica = ScriptedReplica(TokenCheck(False, standing(status="inactive", role="admin")))
        loader(replica).load(replace(CLAIMS, account_version=50.0))
    assert refused.value.code == "account_inactive"


def test_a_revoked_token_is_refused_with_401():
    with pytest.raises(Unauthorized) as refused:
        loader(ScriptedReplica(TokenCheck(True, standing()))).load(replace(CLAIMS, account_version=50.0))
    assert refused.value.code == "token_revoked"


def test_an_account_the_replica_never_hears_of_is_refused_with_401_after_the_wait():
    clock = FakeTime()
    replica = ScriptedReplica(TokenCheck(False, None))
    with pytest.raises(Unauthorized) as refused:
        loader(replica, clock, wait=1.0).load(replace(CLAIMS, account_version=50.0))
    assert refused.value.code == "unknown_account"
    assert clock.now >= 1.0 and replica.calls > 2


def test_a_replica_that_catches_up_within_the_wait_lets_a_just_activated_dealer_in():
    # The token was issued after the activation (ver 60); the replica still has the inactive row
    # of 50, then hears of the activation.
    replica = ScriptedReplica(TokenCheck(False, standing(status="inactive", updated_at=50.0)),
                              TokenCheck(False, standing(status="active", updated_at=60.0)))
    principal = loader(replica).load(replace(CLAIMS, account_version=60.0))
    assert principal.role == "dealer" and replica.calls == 2


def test_a_replica_as_new_as_the_token_decides_at_once():
    clock = FakeTime()
    replica = ScriptedReplica(TokenCheck(False, standing(status="inactive", updated_at=70.0)))
    with pytest.raises(Forbidden):
        loader(replica, clock).load(replace(CLAIMS, account_version=60.0))
    assert replica.calls == 1 and clock.now == 0.0


def test_a_replica_still_behind_after_the_wait_is_a_retryable_503_not_a_wrong_403():
    replica = ScriptedReplica(TokenCheck(False, standing(status="inactive", updated_at=50.0)))
    with pytest.raises(ReplicaBehind) as behind:
        loader(replica, wait=0.5).load(replace(CLAIMS, account_version=60.0))
    assert http_status(behind.value) == 503


def test_when_every_wait_slot_is_taken_a_lagging_replica_answers_503_at_once():
    clock = FakeTime()
    busy = PrincipalLoader(ScriptedReplica(TokenCheck(False, None)), wait_seconds=2.0, waiters=0,
                           sleep=clock.sleep, monotonic=clock.monotonic)
    with pytest.raises(ReplicaBehind):
        busy.load(replace(CLAIMS, account_version=60.0))
    assert clock.now == 0.0


def test_a_token_from_before_the_version_claim_is_judged_by_the_replica_at_once():
    replica = ScriptedReplica(TokenCheck(False, standing(updated_at=10.0)))
    assert loader(replica).load(CLAIMS).role == "dealer" and replica.calls == 1
