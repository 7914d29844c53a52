"""argon2 hashing and JWT signing, checked against the verifier every service uses."""
from __future__ import annotations

import stat
import time

import jwt
import pytest

from dropin_auth.adapters.keys import PRIVATE_KEY_NAME, PUBLIC_KEY_NAME, generate_key_pair, write_key_pair
from dropin_auth.adapters.passwords import Argon2PasswordHasher
from dropin_auth.adapters.tokens import JwtTokenIssuer
from dropin_auth.domain.accounts import Account
from dropin_common.auth import TokenVerifier
from dropin_common.errors import Unauthorized
from dropin_common.timeutil import utcnow


class NothingRevoked:
    def is_revoked(self, principal) -> bool:
        return False


def dealer() -> Account:
    now = utcnow()
    return Account(id="acc-1", email="ann@example.com", username="ann", first_name="Ann", last_name="Lee",
                   phone=None, password_hash="x", role="dealer", status="active", account_status="offline",
                   organization_id="org-1", created_at=now, updated_at=now)


def test_argon2_hash_is_salted_and_verifies_only_the_right_password():
    hasher = Argon2PasswordHasher()

    first, second = hasher.hash("correct horse"), hasher.hash("correct horse")

    assert first.startswith("$argon2id$") and first != second
    assert hasher.verify(first, "correct horse")
    assert not hasher.verify(first, "wrong horse")
    assert not hasher.verify(None, "correct horse")
    assert not hasher.verify("not a hash", "correct horse")


def test_issued_token_passes_the_shared_verifier_with_the_expected_claims():
    private_pem, public_pem = generate_key_pair()
    issued_at = time.time()

    issued = JwtTokenIssuer(private_pem, ttl_seconds=60).issue(dealer(), issued_at)
    principal = TokenVerifier(public_pem, NothingRevoked()).verify(issued.token)

    assert (principal.account_id, principal.role, principal.organization_id) == ("acc-1", "dealer", "org-1")
    assert principal.jti == issued.jti and len(issued.jti) == 32
    assert principal.issued_at == issued_at  # float precision survives, for password-change cut-offs
    assert principal.expires_at == issued_at + 60
    assert jwt.get_unverified_header(issued.token)["alg"] == "EdDSA"


def test_token_signed_with_another_key_or_expired_is_refused():
    private_pem, public_pem = generate_key_pair()
    other_private, _ = generate_key_pair()
    verifier = TokenVerifier(public_pem, NothingRevoked())

    with pytest.raises(Unauthorized):
        verifier.verify(JwtTokenIssuer(other_private).issue(dealer(), time.time()).token)
    with pytest.raises(Unauthorized) as expired:
        verifier.verify(JwtTokenIssuer(private_pem, ttl_seconds=1).issue(dealer(), time.time() - 100).token)
    assert expired.value.code == "token_expired"


def test_the_private_key_is_readable_by_its_owner_only_and_kept_apart_from_the_public_one(tmp_path):
    private_dir, public_dir = tmp_path / "auth", tmp_path / "public"

    private_path, public_path, created = write_key_pair(private_dir, public_dir)

    assert created and private_path.parent == private_dir and public_path.parent == public_dir
    assert stat.S_IMODE(private_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(private_dir.stat().st_mode) == 0o700
    assert [p.name for p in public_dir.iterdir()] == [PUBLIC_KEY_NAME]
    # Run again (every `make run`): the pair is kept, not replaced.
    assert write_key_pair(private_dir, public_dir)[2] is False


def test_a_private_key_left_beside_the_public_one_moves_out_of_sight_keeping_the_pair(tmp_path):
    _, old_public, _ = write_key_pair(tmp_path)  # the older layout: both in one folder
    before = old_public.read_text()

    private_path, public_path, created = write_key_pair(tmp_path / "auth", tmp_path)

    assert not created and not (tmp_path / PRIVATE_KEY_NAME).exists()
    assert public_path.read_text() == before and stat.S_IMODE(private_path.stat().st_mode) == 0o600
