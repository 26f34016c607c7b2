"""Demo data for downloads: a crypt4gh key pair for a demo user, its public half registered, so the
demo researcher's downloads can be decrypted (`crypt4gh decrypt --sk <secret> < f.c4gh > f`).
Idempotent: the key files are made once, and registered once."""

from __future__ import annotations

from pathlib import Path

from crypt4gh.keys.c4gh import generate

from access.crypt4gh_keys import fingerprint, public_key_read
from access.selectors.keys import user_public_keys
from access.services.keys import public_key_register

DEMO_KEY_NAME = "demo key"


def demo_download_key_seed(*, user, folder: Path) -> Path:
    """The secret key file (no passphrase) of `user`'s demo key pair under `folder`, registered."""
    secret, public = folder / f"{user.get_username()}.sec", folder / f"{user.get_username()}.pub"
    if not secret.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        generate(str(secret), str(public), b"", f"{user.get_username()} (demo)".encode())
    text = public.read_text()
    if not user_public_keys(user, active_only=True).filter(fingerprint=fingerprint(public_key_read(text))).exists():
        public_key_register(user=user, name=DEMO_KEY_NAME, text=text)
    return secret
