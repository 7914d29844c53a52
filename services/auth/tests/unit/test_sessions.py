import pytest

from dropin_auth.domain.errors import AccountInactive, InvalidCredentials, LoginRateLimited
from dropin_auth.use_cases.presence import switch_presence
from dropin_auth.use_cases.sessions import ChangePassword, LogIn, change_password, log_in, log_out
from dropin_common import events
from dropin_common.kernel import NotAllowed, NotAuthenticated, RateLimited
from dropin_common.timeutil import iso

from .fakes import FakeRevocations


@pytest.fixture
def register(register, store, clock):
    """Registers a dealer and activates it (`active=False` leaves it as registration does)."""
    def _register(active: bool = True, **overrides):
        account = register(**overrides)
        if active:
            account.administer(clock.now(), status="active")
            store.accounts[account.id] = account
        return account
    return _register


def login(uow, credentials, identifier, password="correct horse", ip="10.0.0.1"):
    return log_in(uow, credentials, LogIn(identifier=identifier, password=password, client_ip=ip))


def test_login_by_email_returns_a_token_for_the_account(register, uow, credentials, issuer):
    account = register(email="ann@example.com")

    session = login(uow, credentials, "ANN@example.com")

    assert session.account.id == account.id
    assert issuer.issued == [(account.id, session.token)]


def test_login_by_username_works_too(register, uow, credentials):
    account = register(username="ann_lee")

    assert login(uow, credentials, "Ann_Lee").account.id == account.id


def test_a_newly_registered_dealer_cannot_log_in_until_activated(register, uow, credentials, issuer):
    account = register(active=False)
    assert account.status == "inactive"

    with pytest.raises(AccountInactive) as refused:
        login(uow, credentials, account.username)

    assert isinstance(refused.value, NotAllowed) and refused.value.code == "account_inactive"
    assert issuer.issued == []


def test_a_switched_off_admin_cannot_log_in_or_change_its_password(register, uow, credentials, clock, issuer):
    account = register()
    account.administer(clock.now(), role="admin", status="inactive")

    with pytest.raises(AccountInactive):
        login(uow, credentials, account.email)
    with pytest.raises(AccountInactive):
        change_password(uow, credentials, ChangePassword(
            identifier=account.email, password="correct horse", new_password="another horse", client_ip=None))
    assert issuer.issued == []


def test_an_inactive_account_with_a_wrong_password_learns_nothing_more(register, uow, credentials):
    account = register(active=False)

    with pytest.raises(InvalidCredentials):
        login(uow, credentials, account.email, password="wrong")


def test_wrong_password_and_unknown_account_fail_alike(register, uow, credentials):
    account = register()

    with pytest.raises(InvalidCredentials) as wrong_password:
        login(uow, credentials, account.email, password="not the password")
    with pytest.raises(InvalidCredentials) as unknown:
        login(uow, credentials, "nobody@example.com")

    assert isinstance(wrong_password.value, NotAuthenticated) and isinstance(unknown.value, NotAuthenticated)
    assert wrong_password.value.message == unknown.value.message


def test_too_many_failures_block_even_the_right_password_until_the_window_passes(
        register, uow, credentials, clock):
    account = register()
    for _ in range(3):  # the fixture's throttle allows 3 failures
        with pytest.raises(InvalidCredentials):
            login(uow, credentials, account.email, password="wrong")
        clock.advance(seconds=10)

    with pytest.raises(LoginRateLimited) as limited:
        login(uow, credentials, account.email)
    assert isinstance(limited.value, RateLimited)
    assert limited.value.retry_after == 300 - 30

    clock.advance(seconds=limited.value.retry_after)
    assert login(uow, credentials, account.email).account.id == account.id


def test_rate_limit_is_per_client_and_identifier(register, uow, credentials):
    account = register()
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            login(uow, credentials, account.email, password="wrong", ip="10.0.0.1")

    assert login(uow, credentials, account.email, ip="10.0.0.2").account.id == account.id
    assert login(uow, credentials, account.username, ip="10.0.0.1").account.id == account.id


def test_one_identifier_sprayed_from_many_addresses_is_limited(register, uow, credentials, clock):
    account = register()
    throttle = credentials.throttle
    for n in range(throttle.max_identifier_failures):
        with pytest.raises(InvalidCredentials):
            login(uow, credentials, account.email, password="wrong", ip=f"10.0.{n}.1")

    with pytest.raises(LoginRateLimited):
        login(uow, credentials, account.email, ip="10.9.9.9")
    other = register()
    assert login(uow, credentials, other.email, ip="10.9.9.9").account.id == other.id


def test_successful_login_clears_the_failure_count(register, uow, credentials):
    account = register()
    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            login(uow, credentials, account.email, password="wrong")
    login(uow, credentials, account.email)

    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            login(uow, credentials, account.email, password="wrong")
    assert login(uow, credentials, account.email).account.id == account.id


def test_change_password_revokes_every_earlier_token_but_not_the_new_one(
        register, uow, credentials, clock, store, issuer):
    account = register(password="old-password")
    old = login(uow, credentials, account.email, password="old-password").token
    clock.advance(seconds=1)

    session = change_password(uow, credentials, ChangePassword(
        identifier=account.username, password="old-password", new_password="new-password", client_ip=None))

    revocations = FakeRevocations(store)
    assert revocations.refuses(account.id, old.jti, old.issued_at)
    assert not revocations.refuses(account.id, session.token.jti, session.token.issued_at)
    [event] = store.events_of(events.ACCOUNT_TOKENS_REVOKED)
    assert event.data == {"accountId": account.id, "jti": None, "expiresAt": None,
                          "notBefore": session.token.issued_at}
    # The replicas hear of the account's new version, the one the new token carries.
    [updated] = store.events_of(events.ACCOUNT_UPDATED)
    assert updated.data["account"]["updatedAt"] == iso(store.accounts[account.id].updated_at)
    assert "passwordHash" not in updated.data["account"]
    with pytest.raises(InvalidCredentials):
        login(uow, credentials, account.email, password="old-password")
    assert login(uow, credentials, account.email, password="new-password").account.id == account.id


def test_change_password_with_wrong_password_changes_nothing(register, uow, credentials, store):
    account = register(password="old-password")

    with pytest.raises(InvalidCredentials):
        change_password(uow, credentials, ChangePassword(
            identifier=account.email, password="wrong-password", new_password="new-password", client_ip=None))

    assert store.accounts[account.id].password_hash == "fake$old-password"
    assert store.cutoffs == {} and store.events_of(events.ACCOUNT_TOKENS_REVOKED) == []


def test_logout_revokes_that_token_only_and_takes_the_dealer_offline(register, uow, credentials, clock, store):
    account = register()
    first = login(uow, credentials, account.email).token
    second = login(uow, credentials, account.email).token
    switch_presence(uow, clock, account.id, "online")

    log_out(uow, clock, account_id=account.id, jti=first.jti, expires_at=first.expires_at)

    revocations = FakeRevocations(store)
    assert revocations.refuses(account.id, first.jti, first.issued_at)
    assert not revocations.refuses(account.id, second.jti, second.issued_at)
    [revoked] = store.events_of(events.ACCOUNT_TOKENS_REVOKED)
    assert revoked.data["jti"] == first.jti and revoked.data["accountId"] == account.id
    assert store.accounts[account.id].account_status == "offline"
    assert store.events_of(events.ACCOUNT_PRESENCE_CHANGED)[-1].data["account"]["accountStatus"] == "offline"
