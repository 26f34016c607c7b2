"""/account/tokens/: list, create (plaintext shown once), revoke, and only one's own tokens."""

import pytest

from access.models import ApiToken
from access.services import token_create
from tests.access.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    user = UserFactory(username="maria")
    client.force_login(user)
    return client, user


def test_login_required(client):
    response = client.get("/account/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response.headers["Location"]


def test_create_shows_the_plaintext_once(signed_in):
    client, user = signed_in
    response = client.post("/account/tokens/", {"name": "lab uploader", "days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    page = response.content.decode()
    plaintext = response.context["plaintext"]
    assert plaintext.startswith(f"bpt_{token.prefix}_") and plaintext in page
    assert "no-store" in response.headers["Cache-Control"]
    again = client.get("/account/tokens/").content.decode()
    assert plaintext not in again
    assert "lab uploader" in again and f"bpt_{token.prefix}_" in again and "never" in again


def test_bad_form_says_what_is_wrong(signed_in):
    client, _ = signed_in
    response = client.post("/account/tokens/", {"name": "", "days": "1000"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page and "less than or equal to 365" in page
    assert not ApiToken.objects.exists()


def test_revoke_button(signed_in):
    client, user = signed_in
    token, plaintext = token_create(user=user, name="old laptop", days=5)
    response = client.post(f"/account/tokens/{token.pk}/revoke/", follow=True)
    assert response.status_code == 200
    assert "is revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/me/", headers={"Authorization": f"Bearer {plaintext}"}).status_code == 401


def test_other_users_tokens_are_not_listed_or_revocable(signed_in):
    client, _ = signed_in
    theirs, _ = token_create(user=UserFactory(username="olof"), name="olof's token", days=5)
    assert "olof&#x27;s token" not in client.get("/account/tokens/").content.decode()
    assert client.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_user_menu_links_to_tokens(signed_in):
    client, _ = signed_in
    assert 'href="/account/tokens/"' in client.get("/").content.decode()


def test_the_admin_sees_and_revokes_tokens_but_does_not_edit_or_delete_them(client):
    from access.roles import Role
    from access.services import user_create

    admin_user = user_create(username="root", email="root@example.org", password=None, roles=(Role.ADMIN,))
    token, _ = token_create(user=UserFactory(username="olof"), name="olof's token", days=5)
    client.force_login(admin_user)
    page = client.get(f"/admin/access/apitoken/{token.pk}/change/").content.decode()
    assert "olof" in page and 'name="name"' not in page  # read-only
    assert client.get(f"/admin/access/apitoken/{token.pk}/delete/").status_code == 403
    client.post("/admin/access/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
