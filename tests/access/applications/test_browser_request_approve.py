"""In a real browser: request access from the landing page, the handler approves, the researcher is entitled."""

import pytest
from django.test import Client

from access.models import Application, ApplicationState, Entitlement
from access.models import FormFieldKind as K
from tests.access.applications.factories import (
    CatalogueItemFactory,
    FormFactory,
    FormFieldFactory,
    WorkflowFactory,
    license_with_text,
)
from tests.access.factories import UserFactory
from tests.repository.factories import DatasetVersionFactory

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

HEADINGS_IN_ORDER = """() => {
  const levels = [...document.querySelectorAll('main h1, main h2, main h3, main h4')].map(h => +h.tagName[1]);
  return levels.every((level, i) => i === 0 ? level === 1 : level <= levels[i - 1] + 1);
}"""


def _signed_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def test_request_approve_entitled(transactional_db, live_server, desktop_page):
    researcher, handler = UserFactory(username="rafael"), UserFactory(username="stina")
    form = FormFactory()
    FormFieldFactory(form=form, key="title", kind=K.TEXT, label="Project title")
    FormFieldFactory(form=form, key="funded", kind=K.OPTION, label="Funded?", optional=True,
                     options=[{"key": "yes", "label": "Yes"}, {"key": "no", "label": "No"}])
    FormFieldFactory(form=form, key="funder", kind=K.TEXT, label="Funder",
                     visible_if={"field": "funded", "values": ["yes"]})
    version = DatasetVersionFactory()
    CatalogueItemFactory(dataset=version.dataset, workflow=WorkflowFactory(handlers=[handler]), form=form,
                         licenses=[license_with_text("Research use only.")])
    page = desktop_page

    _signed_in(page, live_server, researcher)
    page.goto(f"{live_server.url}/datasets/{version.dataset.accession}/")
    page.click("#access a:has-text('Request access')")
    with page.expect_navigation():
        page.click("button:has-text('Start the application')")
    assert page.evaluate(HEADINGS_IN_ORDER)
    with page.expect_navigation():
        page.click("button:has-text('I accept these terms')")
    page.fill("#f-title", "Tumour grading")
    assert not page.is_visible("#f-funder")  # shown only when funded is yes
    page.select_option("#f-funded", "yes")
    assert page.is_visible("#f-funder")
    page.select_option("#f-funded", "no")
    with page.expect_navigation():
        page.click("button:has-text('Submit')")
    application = Application.objects.get(applicant=researcher)
    assert application.state == ApplicationState.SUBMITTED

    _signed_in(page, live_server, handler)
    page.goto(f"{live_server.url}/account/applications/queue/")
    page.click(f"a:has-text('Application {application.pk}')")
    page.click("summary:text-is('Approve')")
    with page.expect_navigation():
        page.click("details:has(summary:text-is('Approve')) button")
    assert "Approve: done." in page.inner_text("main") or "Approve: done." in page.content()

    _signed_in(page, live_server, researcher)
    page.goto(f"{live_server.url}/account/applications/{application.pk}/")
    assert "Access in force" in page.inner_text("main")
    assert Entitlement.objects.active().filter(user=researcher, dataset=version.dataset).exists()
