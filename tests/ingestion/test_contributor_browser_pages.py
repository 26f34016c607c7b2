"""The contributor's pages in a real browser: phone width, heading order, and the pickers from the keyboard."""

import pytest
from django.urls import reverse

from tests.ingestion.contributor_kit import PASSWORD, contributor, submission_of
from tests.repository.test_browser_pages import HEADINGS_IN_ORDER

pytestmark = pytest.mark.browser


def log_in(page, live_server, user) -> None:
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def draft(transactional_db):
    user = contributor()
    return user, submission_of(user)


@pytest.mark.parametrize("name", ["ingestion:list", "ingestion:create", "ingestion:detail"])
def test_page_fits_a_phone_with_ordered_headings(live_server, phone_page, draft, name):
    user, submission = draft
    log_in(phone_page, live_server, user)
    kwargs = {"submission_id": submission.pk} if name == "ingestion:detail" else {}
    phone_page.goto(live_server.url + reverse(name, kwargs=kwargs))
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
    assert phone_page.evaluate(HEADINGS_IN_ORDER), name
    assert phone_page.locator("main h1").count() == 1


def test_keyboard_reaches_the_folder_picker_and_the_focus_shows(live_server, desktop_page, draft):
    user, submission = draft
    page = desktop_page
    log_in(page, live_server, user)
    page.goto(live_server.url + reverse("ingestion:detail", kwargs={"submission_id": submission.pk}))
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "pick-folder":
            break
    else:
        raise AssertionError("Tab never reached the folder picker")
    outline = page.evaluate("getComputedStyle(document.activeElement.closest('label')).outlineStyle")
    assert outline == "solid"
    assert page.evaluate("document.activeElement.closest('label').textContent.trim()") == "Choose folder…"
