"""The layout shows each role its own navigation and nothing more."""

import pytest

from bigpicture.demo import demo_accounts_seed


@pytest.fixture
def accounts(db):
    return {account.username: account for account in demo_accounts_seed()}


def _page_as(client, accounts, username):
    account = accounts[username]
    client.login(username=account.username, password=account.password)
    return client.get("/").content.decode()


def test_anonymous_sees_public_links_and_login(client, db):
    page = client.get("/").content.decode()
    assert "/datasets/" in page and "/accounts/login/" in page
    assert "/submissions/" not in page and "/admin/" not in page


def test_contributor_sees_submissions_not_review(client, accounts):
    page = _page_as(client, accounts, "contributor")
    assert "/submissions/" in page and "/submissions/tickets/" not in page


def test_steward_sees_review_queue(client, accounts):
    page = _page_as(client, accounts, "steward")
    assert "/submissions/tickets/" in page


def test_researcher_sees_applications(client, accounts):
    page = _page_as(client, accounts, "researcher")
    assert "/account/applications/" in page and "/submissions/tickets/" not in page


def test_admin_sees_admin(client, accounts):
    page = _page_as(client, accounts, "admin")
    assert "/admin/" in page


def test_layout_is_accessible(client, db):
    page = client.get("/").content.decode()
    assert '<html lang="en"' in page and 'name="viewport"' in page
    assert 'href="#main"' in page and 'id="main"' in page
    assert "cdn" not in page.lower() and "https://unpkg" not in page


def test_admin_site_is_enabled(client, accounts):
    _page_as(client, accounts, "admin")
    assert client.get("/admin/").status_code == 200
