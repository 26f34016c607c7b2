"""Visa signing keys: created on first use, wrapped with the KEK, rotated by a command, published in time."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from access.models import VisaSigningKey
from access.visas.keys import jwks, private_key_pem, visa_key_signing, visa_keys_published
from governance.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_first_use_creates_one_key_and_the_private_half_is_never_stored_in_clear(client):
    # The JWKS is a public read: it writes nothing, so it is empty until the first visa is signed.
    assert client.get("/.well-known/jwks.json").json() == {"keys": []}
    key = visa_key_signing()
    assert visa_key_signing() == key and VisaSigningKey.objects.count() == 1
    [published] = client.get("/.well-known/jwks.json").json()["keys"]
    assert published == key.public_jwk and set(published) == {"kty", "use", "alg", "kid", "n", "e"}
    assert b"PRIVATE KEY" not in bytes(key.wrapped_private_key)
    assert private_key_pem(key).startswith(b"-----BEGIN PRIVATE KEY-----")
    assert AuditEvent.objects.filter(action="visa_key.create", target_id=str(key.pk)).exists()


def test_another_kek_is_named_not_a_crypto_error(settings):
    key = visa_key_signing()
    settings.PSEUDONYM_KEK = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="
    with pytest.raises(ImproperlyConfigured, match="PSEUDONYM_KEK is not the key that wrapped visa signing key"):
        private_key_pem(key)


def test_rotation_keeps_the_retired_key_published_for_the_longest_visa_lifetime(settings, capsys):
    settings.GA4GH_VISA_DEFAULT_SECONDS = 600
    old = visa_key_signing()
    call_command("visa_keys_rotate")
    old.refresh_from_db()
    new = visa_key_signing()
    assert new != old and old.retired_at is not None
    assert abs((old.not_after - old.retired_at) - timedelta(seconds=600)) < timedelta(seconds=1)
    assert {key.kid for key in visa_keys_published()} == {old.kid, new.kid}
    assert f"Retired {old.kid}" in capsys.readouterr().out
    VisaSigningKey.objects.filter(pk=old.pk).update(not_after=timezone.now())
    assert [key["kid"] for key in jwks()["keys"]] == [new.kid]
    assert AuditEvent.objects.filter(action="visa_key.rotate").get().detail["retired"] == [old.kid]


def test_the_admin_lists_keys_without_their_private_half(admin_client):
    key = visa_key_signing()
    page = admin_client.get(f"/admin/access/visasigningkey/{key.pk}/change/").content.decode()
    assert key.kid in page and "wrapped" not in page.lower()
    assert admin_client.get("/admin/access/visasigningkey/add/").status_code == 403
