"""The operator commands, run as the stack runs them (environment in, exit code and text out)."""
from __future__ import annotations

import sqlalchemy as sa

from dropin_auth.adapters.tables import accounts
from dropin_auth.entrypoints import cli


def test_generate_keys_writes_a_pair_once_and_keeps_it(tmp_path, capsys):
    assert cli.main(["generate-keys", "--out", str(tmp_path / "keys")]) == 0
    private_key = (tmp_path / "keys" / "jwt_ed25519.pem").read_text()
    assert "PRIVATE KEY" in private_key
    assert "PUBLIC KEY" in (tmp_path / "keys" / "jwt_ed25519.pub.pem").read_text()
    assert (tmp_path / "keys" / "jwt_ed25519.pem").stat().st_mode & 0o077 == 0

    assert cli.main(["generate-keys", "--out", str(tmp_path / "keys")]) == 0
    assert (tmp_path / "keys" / "jwt_ed25519.pem").read_text() == private_key
    assert "kept existing" in capsys.readouterr().out


def test_create_admin_is_idempotent_and_repairs_role_and_status(container, database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("JWT_PUBLIC_KEY_FILE", raising=False)

    assert cli.main(["create-admin", "--email", "Root@Example.com", "--password", "admin-password",
                     "--username", "root"]) == 0
    assert "created admin root@example.com" in capsys.readouterr().out
    with container.engine.begin() as conn:
        conn.execute(accounts.update().values(role="dealer", status="inactive"))

    assert cli.main(["create-admin", "--email", "root@example.com", "--password", "admin-password"]) == 0
    assert "already exists" in capsys.readouterr().out
    with container.engine.connect() as conn:
        rows = conn.execute(sa.select(accounts.c.username, accounts.c.role, accounts.c.status)).all()
    assert [tuple(row) for row in rows] == [("root", "admin", "active")]


def test_create_admin_refuses_a_short_password(capsys):
    assert cli.main(["create-admin", "--email", "root@example.com", "--password", "short"]) == 2
    assert "at least 8" in capsys.readouterr().err
