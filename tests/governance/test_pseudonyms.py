"""Key custody: lazily created keys, wrapped secrets, pseudonyms, UIDs, rotation and audited re-identification."""

from __future__ import annotations

import base64
import logging
import re
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from bigpicture.errors import UserError
from governance import keywrap
from governance.models import AuditEvent, PseudonymEntry, PseudonymKey, PseudonymKeyState
from governance.services import pseudonyms as service
from governance.services.pseudonyms import (
    derived_uid,
    pseudonym,
    pseudonym_key_rotate,
    reidentify,
    uid_for,
)
from tests.access.factories import OrganisationFactory, UserFactory

KEK = base64.b64encode(bytes(range(32))).decode()


@pytest.fixture(autouse=True)
def _kek(settings):
    settings.PSEUDONYM_KEK = KEK


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


def test_pseudonym_is_stable_short_and_versioned(organisation):
    first = pseudonym(organisation, "patient", "SYN-PAT-000001")
    assert first == pseudonym(organisation, "patient", "SYN-PAT-000001")
    assert re.fullmatch(r"P1-[0-9A-HJKMNP-TV-Z]{11}", first)
    assert len(first) <= 16  # fits SH (AccessionNumber, StudyID)
    assert pseudonym(organisation, "container", "SYN-PAT-000001") != first  # the kind is keyed too
    assert pseudonym(OrganisationFactory(), "patient", "SYN-PAT-000001") != first
    assert PseudonymKey.objects.filter(organisation=organisation).count() == 1
    assert PseudonymEntry.objects.filter(pseudonym=first).count() == 1


def test_secret_at_rest_is_wrapped_not_the_hmac_key(organisation):
    pseudonym(organisation, "patient", "DEMO")
    key = PseudonymKey.objects.get(organisation=organisation)
    secret = service._unwrap(key)
    stored = bytes(key.wrapped_secret)
    assert len(secret) == 32
    for clear in (secret, service._subkey(secret, "pseudonym"), service._subkey(secret, "uid"),
                  base64.b64decode(KEK)):
        assert clear not in stored
    entry = PseudonymEntry.objects.get(key=key)
    assert b"DEMO" not in bytes(entry.original_encrypted)


def test_another_kek_is_refused_clearly(organisation, settings):
    pseudonym(organisation, "patient", "DEMO")
    settings.PSEUDONYM_KEK = base64.b64encode(b"\x01" * 32).decode()
    with pytest.raises(ImproperlyConfigured, match="not the key that wrapped"):
        pseudonym(organisation, "patient", "DEMO")


def test_without_kek_production_refuses_and_debug_derives_with_a_log_line(organisation, settings, caplog):
    settings.PSEUDONYM_KEK = ""
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="PSEUDONYM_KEK is not set"):
        pseudonym(organisation, "patient", "DEMO")
    settings.DEBUG = True
    keywrap._warned_derived_kek = False
    with caplog.at_level(logging.WARNING, logger="governance.keywrap"):
        assert pseudonym(organisation, "patient", "DEMO").startswith("P1-")
    assert "derived from SECRET_KEY" in caplog.text
    settings.PSEUDONYM_KEK = "c2hvcnQ="
    with pytest.raises(ImproperlyConfigured, match="32 bytes"):
        pseudonym(organisation, "patient", "DEMO")


def test_uids_are_deterministic_2_25_and_survive_rotation(organisation):
    original = "1.2.826.0.1.3680043.8.498.12345"
    uid = uid_for(organisation, "dicom", original)
    assert re.fullmatch(r"2\.25\.[1-9]\d*", uid) and len(uid) <= 64
    assert uid_for(organisation, "dicom", original) == uid
    assert uid_for(organisation, "other-scope", original) != uid
    derived = derived_uid(organisation, "conversion", "ab" * 32, "sop:VOLUME:0")
    assert derived == derived_uid(organisation, "conversion", "ab" * 32, "sop:VOLUME:0")
    assert derived != derived_uid(organisation, "conversion", "ab" * 32, "sop:VOLUME:1")
    pseudonym_key_rotate(organisation=organisation, actor=None)
    assert uid_for(organisation, "dicom", original) == uid  # one slide stays one series across a rotation


def test_rotation_gives_new_prefix_and_old_entries_still_reidentify(organisation):
    steward = UserFactory()
    old = pseudonym(organisation, "patient", "SYN-PAT-000007")
    new_key = pseudonym_key_rotate(organisation=organisation, actor=steward)
    assert new_key.version == 2
    new = pseudonym(organisation, "patient", "SYN-PAT-000007")
    assert new.startswith("P2-") and old.startswith("P1-") and new != old
    assert PseudonymKey.objects.get(organisation=organisation, version=1).state == PseudonymKeyState.RETIRED
    assert reidentify(organisation, old, actor=steward) == "SYN-PAT-000007"
    assert reidentify(organisation, new, actor=steward) == "SYN-PAT-000007"
    events = AuditEvent.objects.filter(action="pseudonym.reidentify").order_by("sequence")
    assert [e.detail["pseudonym"] for e in events] == [old, new]
    assert all("SYN-PAT-000007" not in str(e.detail) and e.actor_id == steward.pk for e in events)
    assert AuditEvent.objects.filter(action="pseudonym_key.rotate").count() == 1


def test_reidentify_unknown_pseudonym_is_a_user_error(organisation):
    pseudonym(organisation, "patient", "X")
    with pytest.raises(UserError, match="no pseudonym 'P1-0000000000' is recorded"):
        reidentify(organisation, "P1-0000000000", actor=None)
    with pytest.raises(UserError):
        reidentify(organisation, "not-a-pseudonym", actor=None)


@pytest.mark.postgres
def test_concurrent_first_use_creates_one_key(transactional_db):
    organisation = OrganisationFactory()
    barrier = threading.Barrier(4)
    results: list[str] = []
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            results.append(pseudonym(organisation, "patient", "SAME"))
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(set(results)) == 1 and len(results) == 4
    assert PseudonymKey.objects.filter(organisation=organisation).count() == 1
    assert PseudonymEntry.objects.filter(pseudonym=results[0]).count() == 1
    assert AuditEvent.objects.filter(action="pseudonym_key.create").count() == 1
