"""Registering crypt4gh public keys at /account/keys/: valid keys kept, secret keys and garbage refused."""

from __future__ import annotations

import pytest
from crypt4gh.keys import get_private_key
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.core.files.uploadedfile import SimpleUploadedFile

from access.crypt4gh_keys import KeyRefused, fingerprint, public_key_read
from access.models import UserPublicKey
from access.selectors.keys import download_key
from access.services.keys import public_key_register
from governance.models import AuditEvent
from metaflex.encryption import crypt4gh_encrypt
from tests.access.factories import UserFactory
from tests.accesslayer.downloads.kit import decrypted, key_pair

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def user(db):
    return UserFactory()


def test_a_crypt4gh_public_key_is_registered_from_the_page(client, user, tmp_path):
    keys = key_pair(tmp_path)
    client.force_login(user)
    response = client.post("/account/keys/", {"name": "laptop", "text": keys.public_text}, follow=True)
    assert response.status_code == 200
    key = UserPublicKey.objects.get(user=user)
    assert key.name == "laptop" and key.fingerprint == fingerprint(bytes(key.public_key))
    assert key.fingerprint in response.content.decode()
    # What is encrypted to the stored key, the user's secret key decrypts.
    assert decrypted(crypt4gh_encrypt(b"slide bytes", bytes(key.public_key)), keys.secret) == b"slide bytes"
    event = AuditEvent.objects.get(action="access.public_key.register")
    assert event.actor_id == user.pk and event.detail["fingerprint"] == key.fingerprint


def test_a_key_file_is_uploaded(client, user, tmp_path):
    keys = key_pair(tmp_path)
    client.force_login(user)
    upload = SimpleUploadedFile("researcher.pub", keys.public_text.encode())
    client.post("/account/keys/", {"name": "", "upload": upload})
    assert UserPublicKey.objects.get(user=user).name == "crypt4gh key"


def test_an_ssh_ed25519_key_is_accepted_as_crypt4gh_does(user, tmp_path):
    private = ed25519.Ed25519PrivateKey.generate()
    line = private.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode() + " me@laptop"
    key = public_key_register(user=user, name="ssh", text=line)
    secret_file = tmp_path / "id_ed25519"
    secret_file.write_bytes(private.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()))
    secret = bytes(get_private_key(str(secret_file), lambda: ""))
    assert decrypted(crypt4gh_encrypt(b"through ssh", bytes(key.public_key)), secret) == b"through ssh"


@pytest.mark.parametrize("what", ["crypt4gh secret", "encrypted crypt4gh secret", "openssh secret"])
def test_a_secret_key_is_refused_and_not_kept(client, user, tmp_path, what):
    if what == "openssh secret":
        text = ed25519.Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.OpenSSH,
                                                                  NoEncryption()).decode()
    else:
        text = key_pair(tmp_path, passphrase="pw" if what.startswith("encrypted") else "").secret_text
    client.force_login(user)
    response = client.post("/account/keys/", {"name": "oops", "text": text})
    assert response.status_code == 400
    assert "This is a SECRET key: never share it" in response.content.decode()
    assert not UserPublicKey.objects.exists() and not AuditEvent.objects.filter(action__contains="public_key")


@pytest.mark.parametrize("text, says", [
    ("", "Paste your crypt4gh public key"),
    ("hello world", "not a public key crypt4gh can read"),
    ("-----BEGIN CRYPT4GH PUBLIC KEY-----\n!!!!notbase64\n-----END CRYPT4GH PUBLIC KEY-----", "not a public key"),
    ("-----BEGIN CRYPT4GH PUBLIC KEY-----\nAAAA\n-----END CRYPT4GH PUBLIC KEY-----", "not the 32 of an X25519"),
    ("-----BEGIN CRYPT4GH PUBLIC KEY-----\n" + "A" * 44 + "\n-----END CRYPT4GH PUBLIC KEY-----", "was cut or"),
    ("x" * 5000, "far longer than a public key"),
])
def test_garbage_is_refused_with_a_reason(text, says):
    with pytest.raises(KeyRefused, match=says):
        public_key_read(text)


def test_an_ssh_rsa_key_is_refused():
    line = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key().public_bytes(
        Encoding.OpenSSH, PublicFormat.OpenSSH).decode()
    with pytest.raises(KeyRefused, match="only to ed25519"):
        public_key_read(line)


def test_the_same_key_twice_is_refused_and_revoking_frees_it(client, user, tmp_path):
    keys = key_pair(tmp_path)
    first = public_key_register(user=user, name="laptop", text=keys.public_text)
    with pytest.raises(KeyRefused, match="already, as “laptop”"):
        public_key_register(user=user, name="again", text=keys.public_text)
    client.force_login(user)
    assert client.post(f"/account/keys/{first.pk}/revoke/").status_code == 302
    first.refresh_from_db()
    assert first.revoked_at is not None and download_key(user) is None
    assert AuditEvent.objects.filter(action="access.public_key.revoke", target_id=str(first.pk)).exists()
    assert public_key_register(user=user, name="again", text=keys.public_text).pk != first.pk


def test_another_users_key_cannot_be_revoked(client, user, tmp_path):
    key = public_key_register(user=user, name="laptop", text=key_pair(tmp_path).public_text)
    client.force_login(UserFactory())
    assert client.post(f"/account/keys/{key.pk}/revoke/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_the_newest_key_or_the_named_one_is_used(user, tmp_path):
    old = public_key_register(user=user, name="old", text=key_pair(tmp_path, "old").public_text)
    new = public_key_register(user=user, name="new", text=key_pair(tmp_path, "new").public_text)
    assert download_key(user) == new
    assert download_key(user, old.fingerprint[:12]) == old
    assert download_key(user, "abc") is None  # too short a prefix names nothing


def test_the_profile_links_to_the_keys_page(client, user):
    client.force_login(user)
    assert 'href="/account/keys/"' in client.get("/account/").content.decode()
    assert client.get("/account/keys/").status_code == 200


def test_an_admin_revokes_a_key(admin_client, user, tmp_path):
    key = public_key_register(user=user, name="laptop", text=key_pair(tmp_path).public_text)
    assert admin_client.get("/admin/access/userpublickey/").status_code == 200
    admin_client.post("/admin/access/userpublickey/", {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_the_demo_key_is_made_and_registered_once(user, tmp_path):
    from access.demo_downloads import demo_download_key_seed

    secret = demo_download_key_seed(user=user, folder=tmp_path / "keys")
    assert demo_download_key_seed(user=user, folder=tmp_path / "keys") == secret
    key = UserPublicKey.objects.get(user=user)
    plain = decrypted(crypt4gh_encrypt(b"demo", bytes(key.public_key)),
                      bytes(get_private_key(str(secret), lambda: "")))
    assert plain == b"demo"


def test_the_profile_title_is_untouched(client, user):
    client.force_login(user)
    page = client.get("/account/").content.decode()
    assert "<title>Your account · Bigpicture portal</title>" in page and page.count('id="keys-title"') == 1
