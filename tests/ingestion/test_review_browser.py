"""The review page in a real browser: the preview renders in its sandboxed frame, headings are in order,
and the steward's buttons work from the keyboard."""

import pytest
from django.test import Client

from ingestion.models import Submission
from ingestion.states import SubmissionState
from tests.ingestion.review_bundles import upload_bundle, validated
from tests.ingestion.review_fixtures import *  # noqa: F401,F403  (fixtures: these win over conftest's)
from tests.repository.metaflex_bundles import BundleBuilder

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("local_storage")]

HEADINGS_IN_ORDER = """() => {
  const levels = [...document.querySelectorAll('main h1, main h2, main h3, main h4')].map(h => +h.tagName[1]);
  return levels.every((level, i) => i === 0 ? level === 1 : level <= levels[i - 1] + 1);
}"""


def _signed_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def test_steward_previews_and_returns(transactional_db, live_server, desktop_page, submission, contributor,
                                      steward, tmp_path):
    upload_bundle(submission, BundleBuilder(tmp_path / "b").write())
    submission = validated(submission, contributor)
    page = desktop_page
    _signed_in(page, live_server, steward)
    page.goto(f"{live_server.url}/submissions/{submission.pk}/review/")
    assert page.evaluate(HEADINGS_IN_ORDER)
    preview = page.frame_locator("iframe[title='Landing page preview']")
    assert preview.locator("h1#dataset-title").inner_text().strip() == submission.preview_html.split(
        '<h1 id="dataset-title">')[1].split("</h1>")[0].strip()
    page.focus("#message-return")
    page.keyboard.type("Please add the fixation type.")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Returned to contributor" in page.inner_text("main")
    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.RETURNED
