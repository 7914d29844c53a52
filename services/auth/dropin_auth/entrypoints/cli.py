"""Operator commands:

    python -m dropin_auth.entrypoints.cli create-admin --email E --password P [--username U]
    python -m dropin_auth.entrypoints.cli generate-keys --out DIR [--public-out DIR]
"""
from __future__ import annotations

import argparse
import sys

from dropin_common.config import refuse_development_secrets
from dropin_common.errors import AppError

from ..bootstrap import bootstrap, generate_signing_keys
from ..domain.accounts import MIN_PASSWORD_LENGTH
from ..use_cases.registration import EnsureAdmin, ensure_admin


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dropin_auth.entrypoints.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    admin = commands.add_parser("create-admin", help="create an admin, or make an existing account one")
    admin.add_argument("--email", required=True)
    admin.add_argument("--password", required=True)
    admin.add_argument("--username")
    keys = commands.add_parser("generate-keys", help="write an Ed25519 JWT key pair unless one exists")
    keys.add_argument("--out", required=True, help="directory of the private key (only auth may read it)")
    keys.add_argument("--public-out", help="directory of the public key every service reads (default: --out)")
    args = parser.parse_args(argv)
    if args.command == "generate-keys":
        return _generate_keys(args.out, args.public_out)
    return _create_admin(args.email, args.password, args.username)


def _generate_keys(directory: str, public_directory: str | None) -> int:
    private_path, public_path, created = generate_signing_keys(directory, public_directory)
    verb = "wrote" if created else "kept existing"
    print(f"{verb} {private_path} and {public_path}")
    return 0


def _create_admin(email: str, password: str, username: str | None) -> int:
    if "@" not in email:
        print("--email must be an email address", file=sys.stderr)
        return 2
    if len(password) < MIN_PASSWORD_LENGTH:
        print(f"--password needs at least {MIN_PASSWORD_LENGTH} characters", file=sys.stderr)
        return 2
    try:
        refuse_development_secrets("create-admin", {"ADMIN_PASSWORD": password})
        container = bootstrap(signing=False)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        account, created = ensure_admin(container.uow(), container.hasher, container.clock,
                                        EnsureAdmin(email=email, password=password, username=username))
    except AppError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    finally:
        container.engine.dispose()
    if created:
        print(f"created admin {account.email} (username {account.username}, id {account.id})")
    else:
        print(f"admin {account.email} already exists (id {account.id}); ensured role admin, status active")
    return 0


if __name__ == "__main__":
    sys.exit(main())
