"""The signature database the project writes for clamd, since freshclam needs the network.

Two body signatures (.ndb, matching anywhere in a file of any type): the EICAR test file, and
a marker of our own that tests embed deep inside big files. clamd reports signatures from a
database it did not get from ClamAV with the suffix `.UNOFFICIAL` (see `reported`).
"""

from __future__ import annotations

import os
from pathlib import Path

# Assembled from halves so that no scanner flags this source file as the EICAR test file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-" + b"ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_SIGNATURE = "Eicar-Test-Signature"
TEST_MARKER = b"BIGPICTURE-TEST-MARKER:5a1e7c0d9b3f4e21"
TEST_MARKER_SIGNATURE = "Bigpicture.Test.Marker"
DATABASE_NAME = "bigpicture-test.ndb"


def reported(signature: str) -> str:
    """The name clamd reports for one of these signatures."""
    return f"{signature}.UNOFFICIAL"


def signatures_write(directory: Path) -> Path:
    """Write the database into clamd's DatabaseDirectory (atomically); returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = [f"{name}:0:*:{body.hex()}" for name, body in
             ((EICAR_SIGNATURE, EICAR), (TEST_MARKER_SIGNATURE, TEST_MARKER))]
    path = directory / DATABASE_NAME
    # clamd must never load a half-written database (it would refuse to start or reload).
    tmp = directory / f".{DATABASE_NAME}.tmp"
    tmp.write_text("\n".join(lines) + "\n")
    os.replace(tmp, path)
    return path
