"""The Ed25519 key pair auth signs tokens with (the public half goes to every service)."""
from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

PRIVATE_KEY_NAME = "jwt_ed25519.pem"
PUBLIC_KEY_NAME = "jwt_ed25519.pub.pem"


def generate_key_pair() -> tuple[str, str]:
    """(private PEM, public PEM)."""
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    return private_pem, public_key_of(private_pem)


def public_key_of(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def write_key_pair(directory: Path, public_directory: Path | None = None) -> tuple[Path, Path, bool]:
    """Writes the pair unless a private key is already there (keys are never replaced: that would
    log everybody out). The private key goes into `directory`, readable by its owner only (auth);
    the public one into `public_directory` (default: the same), which every service reads.
    Returns (private path, public path, created)."""
    public_directory = public_directory or directory
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    public_directory.mkdir(parents=True, exist_ok=True)
    private_path, public_path = directory / PRIVATE_KEY_NAME, public_directory / PUBLIC_KEY_NAME
    beside_public = public_directory / PRIVATE_KEY_NAME
    if beside_public != private_path and beside_public.exists() and not private_path.exists():
        beside_public.replace(private_path)  # an older layout: keep the pair, move it out of sight
    created = not private_path.exists()
    if created:
        private_pem, _ = generate_key_pair()
        private_path.touch(mode=0o600)
        private_path.write_text(private_pem)
    private_path.chmod(0o600)
    if created or not public_path.exists():
        public_path.write_text(public_key_of(private_path.read_text()))
    return private_path, public_path, created
