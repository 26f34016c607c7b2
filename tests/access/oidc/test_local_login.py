"""Local accounts: on by default; LOCAL_LOGIN=0 leaves them to superusers (a clear message for the
others, and their password sessions end), and the page shows the Life Science AAI button first."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

PASSWORD = "correct horse battery staple"


def test_local_login_works_by_default(client, user_factory):
    user = user_factory(username="rafael")
    response = client.post("/accounts/login/", {"username": "rafael", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/").context["user"] == user


def test_local_login_off_refuses_non_superusers_with_a_message(client, user_factory, settings):
    settings.LOCAL_LOGIN = False
    user_factory(username="rafael")
    response = client.post("/accounts/login/", {"username": "rafael", "password": PASSWORD})
    assert response.status_code == 200
    assert "Local accounts are switched off on this portal" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The same answer for a username that does not exist: the form does not tell which exist.
    response = client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    assert "Local accounts are switched off on this portal" in response.content.decode()


def test_local_login_off_lets_superusers_in(client, user_factory, settings):
    settings.LOCAL_LOGIN = False
    admin = user_factory(username="ada", is_superuser=True, is_staff=True)
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/").context["user"] == admin


def test_local_login_off_ends_password_sessions_and_admin_login(client, user_factory, settings):
    user_factory(username="stina", is_staff=True)
    assert client.login(username="stina", password=PASSWORD)
    settings.LOCAL_LOGIN = False
    assert client.get("/account/").status_code == 302  # the session's backend no longer accepts it
    admin_login = Client().post("/admin/login/", {"username": "stina", "password": PASSWORD})
    assert admin_login.status_code == 200 and not admin_login.wsgi_request.user.is_authenticated


def test_login_page_without_local_login_shows_the_button_and_an_admin_form(client, settings):
    settings.LOCAL_LOGIN = False
    settings.OIDC_OP_ISSUER, settings.OIDC_RP_CLIENT_ID = "https://login.aai.lifescience-ri.eu/oidc/", "portal"
    page = client.get("/accounts/login/?next=/account/").content.decode()
    assert 'href="/oidc/authenticate/?next=/account/"' in page
    assert "<summary" in page and "Administrator login" in page
    assert "Demo accounts" not in page


def test_no_button_when_oidc_is_not_configured(client, settings):
    settings.OIDC_OP_ISSUER = ""
    page = client.get("/accounts/login/").content.decode()
    assert "Log in with Life Science AAI" not in page and "oidc/authenticate" not in page
    assert 'name="password"' in page
    response = client.get("/oidc/authenticate/", follow=True)
    assert "Life Science AAI login is not configured" in response.content.decode()


def test_local_login_off_gives_an_admin_with_a_wrong_password_the_same_message(client, user_factory, settings):
    settings.LOCAL_LOGIN = False
    user_factory(username="ada", is_superuser=True, is_staff=True)
    response = client.post("/accounts/login/", {"username": "ada", "password": "wrong"})
    assert "Local accounts are switched off on this portal" in response.content.decode()
    assert "_auth_user_id" not in client.session
