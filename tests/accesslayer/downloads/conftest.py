"""Fixtures of the download tests: a user's crypt4gh key pair, registered."""

from __future__ import annotations

import pytest

from access.services.keys import public_key_register
from tests.accesslayer.downloads.kit import KeyPair, key_pair


@pytest.fixture
def user_keys(tmp_path) -> KeyPair:
    return key_pair(tmp_path, "researcher")


@pytest.fixture
def registered_key(entitled_user, user_keys):
    return public_key_register(user=entitled_user, name="laptop", text=user_keys.public_text)
