"""Helpers of the download tests: users' crypt4gh key pairs, and reading downloads back."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from crypt4gh.keys import get_private_key
from crypt4gh.keys.c4gh import generate
from crypt4gh.lib import decrypt

from bigpicture.storage import storage_for
from repository.models import ImageFile, Policy


@dataclass(frozen=True)
class KeyPair:
    secret: bytes  # the 32-byte X25519 secret key
    public_text: str  # the .pub file, as crypt4gh-keygen writes it
    secret_text: str  # the .sec file (never registered)


def key_pair(folder: Path, name: str = "user", passphrase: str = "") -> KeyPair:
    secret_path, public_path = folder / f"{name}.sec", folder / f"{name}.pub"
    generate(str(secret_path), str(public_path), passphrase.encode(), name.encode())
    secret = bytes(get_private_key(str(secret_path), lambda: passphrase))
    return KeyPair(secret, public_path.read_text(), secret_path.read_text())


def decrypted(data: bytes, secret: bytes) -> bytes:
    out = io.BytesIO()
    decrypt([(0, secret, None)], io.BytesIO(data), out)
    return out.getvalue()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archived_bytes(row: ImageFile) -> bytes:
    with storage_for("archive").open(row.storage_name, "rb") as handle:
        return handle.read()


def largest_file(version) -> ImageFile:
    """The version's biggest image file: a DICOM instance of the pyramid's base level."""
    return ImageFile.objects.filter(image__version=version).order_by("-size").first()


def file_url(row: ImageFile, version, **query) -> str:
    url = f"/downloads/datasets/{version.dataset.accession}/v{version.number}/files/{row.accession}"
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def policy_set(version, tag: str, value: str) -> None:
    """Add a POLICY string attribute to the version's policy row, as a bundle would carry it."""
    policy = Policy.objects.get(version=version)
    policy.attributes = [*(policy.attributes or []), {"kind": "string", "tag": tag, "value": value, "units": None,
                                                      "nil": False}]
    policy.save(update_fields=["attributes"])


def approved_through_commands(dataset, applicant, handler):
    """An application approved through the applications command engine (so `revoke` works on it)."""
    from access.applications.commands import application_command
    from access.selectors.applications import application_license_versions

    item = dataset.catalogue_items.get(ended_at__isnull=True)
    item.workflow.handlers.add(handler)
    application = application_command(application=None, command="create", actor=applicant,
                                      catalogue_items=[item.pk]).application
    steps = [("submit", applicant), ("approve", handler)]
    if application_license_versions(application).exists():
        steps.insert(0, ("accept-licenses", applicant))
    for command, actor in steps:
        application_command(application=application, command=command, actor=actor)
    application.refresh_from_db()
    return application
