"""Answers are validated on the server: every field kind, required and optional, max length, conditional fields."""

import pytest

from access.applications.answers import answers_clean
from access.applications.commands import CommandRefused
from access.models import FormFieldKind as K
from tests.access.applications.conftest import run
from tests.access.applications.factories import CatalogueItemFactory, FormFactory, FormFieldFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def form():
    form = FormFactory()
    FormFieldFactory(form=form, key="intro", kind=K.HEADER, label="About the project")
    FormFieldFactory(form=form, key="title", kind=K.TEXT, label="Project title", max_length=20)
    FormFieldFactory(form=form, key="plan", kind=K.TEXTAREA, label="Research plan", optional=True)
    FormFieldFactory(form=form, key="funding", kind=K.OPTION, label="Funded?",
                     options=[{"key": "yes", "label": "Yes"}, {"key": "no", "label": "No"}])
    FormFieldFactory(form=form, key="funder", kind=K.TEXT, label="Funder", visible_if={"field": "funding", "values": ["yes"]})
    FormFieldFactory(form=form, key="uses", kind=K.MULTISELECT, label="Uses",
                     options=[{"key": "ai", "label": "AI"}, {"key": "stats", "label": "Statistics"}])
    FormFieldFactory(form=form, key="start", kind=K.DATE, label="Start date")
    FormFieldFactory(form=form, key="contact", kind=K.EMAIL, label="Contact")
    FormFieldFactory(form=form, key="ethics", kind=K.ATTACHMENT, label="Ethics approval", optional=True, private=True)
    FormFieldFactory(form=form, key="team", kind=K.TABLE, label="Team",
                     columns=[{"key": "name", "label": "Name"}, {"key": "role", "label": "Role"}])
    return form


GOOD = {"title": "Tumour grading", "funding": "no", "uses": ["stats", "ai"], "start": "2027-01-31",
        "contact": "pi@example.org", "team": [{"name": "Ada", "role": "PI"}, {"name": "", "role": ""}]}


def _clean(form, answers, require=True):
    return answers_clean(form.fields.all(), answers, attachment_ids=set(), require=require)


def test_good_answers_are_cleaned(form):
    cleaned, problems = _clean(form, GOOD)
    assert problems == []
    assert cleaned["uses"] == ["ai", "stats"]  # in the form's order
    assert cleaned["team"] == [{"name": "Ada", "role": "PI"}]


def test_each_problem_names_the_field(form):
    bad = {**GOOD, "title": "x" * 21, "funding": "maybe", "uses": ["sql"], "start": "31/01/2027",
           "contact": "not-an-address", "team": [{"name": "Ada"}], "ethics": 999}
    _, problems = _clean(form, bad)
    messages = {p.key: p.message for p in problems}
    assert messages["title"] == "at most 20 characters, not 21."
    assert "choose one of yes, no" in messages["funding"]
    assert "choose any of" in messages["uses"]
    assert "YYYY-MM-DD" in messages["start"]
    assert "not an email address" in messages["contact"]
    assert messages["team"] == "row 1 has no role."
    assert "attachments" in messages["ethics"]


def test_required_only_when_visible(form):
    _, problems = _clean(form, GOOD)
    assert "funder" not in {p.key for p in problems}
    cleaned, problems = _clean(form, {**GOOD, "funding": "yes", "funder": ""})
    assert [p.key for p in problems] == ["funder"]
    cleaned, _ = _clean(form, {**GOOD, "funder": "Hidden Trust"})
    assert "funder" not in cleaned  # a hidden field's answer is not kept


def test_a_draft_may_be_incomplete_but_submit_is_not(form, applicant, workflow):
    item = CatalogueItemFactory(workflow=workflow, form=form)
    application = run(None, "create", applicant, catalogue_items=[item.pk]).application
    run(application, "save-draft", applicant, answers={"title": "Half done"})
    with pytest.raises(CommandRefused, match="Funded\\?: this field is required"):
        run(application, "submit", applicant)
    run(application, "submit", applicant, answers=GOOD)
    application.refresh_from_db()
    assert application.state == "submitted" and application.answers["title"] == "Tumour grading"


def test_a_draft_keeps_what_was_typed_and_warns(form, applicant, workflow):
    item = CatalogueItemFactory(workflow=workflow, form=form)
    application = run(None, "create", applicant, catalogue_items=[item.pk]).application
    outcome = run(application, "save-draft", applicant, answers={"title": "x" * 25, "start": "tomorrow"})
    assert {p.key for p in outcome.result["problems"]} == {"title", "start"}
    application.refresh_from_db()
    assert application.answers == {"title": "x" * 25, "start": "tomorrow"}
    with pytest.raises(CommandRefused, match="at most 20 characters"):
        run(application, "submit", applicant)
