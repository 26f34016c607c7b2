"""Demo data for access applications: a decider workflow (DAC) for clinical datasets, a form, a data use
agreement, the researcher's approved and pending applications, and the steward's queue.

Called by the demo after its datasets are published (see README, "Access applications"). Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from access.applications.commands import application_command
from access.models import (
    Application,
    ApplicationState,
    Form,
    FormField,
    FormFieldKind,
    License,
    User,
    Workflow,
)
from access.models import WorkflowKind as WK
from access.selectors.applications import catalogue_item_enabled
from access.services.catalogue import catalogue_item_create, license_version_create
from repository.models import Dataset

K = FormFieldKind
DEMO_WORKFLOW = "Clinical data access committee (demo)"
DEMO_LICENSE = "Bigpicture data use agreement (demo)"
DEMO_LICENSE_TEXT = """You use the data for the research described in your application only.
You do not try to identify any person.
You keep the data on secure systems and delete it when the access ends.
You cite the dataset in publications."""
DEMO_FORM = "Access application (demo)"
DEMO_FIELDS = (
    ("about", K.HEADER, "About the project", {}),
    ("title", K.TEXT, "Project title", {"max_length": 200}),
    ("plan", K.TEXTAREA, "Research question and plan", {"max_length": 4000}),
    ("uses", K.MULTISELECT, "How will you use the images?", {"options": [
        {"key": "ai", "label": "Train or test AI models"}, {"key": "stats", "label": "Statistics"},
        {"key": "teaching", "label": "Teaching"}]}),
    ("funded", K.OPTION, "Is the project funded?", {"options": [{"key": "yes", "label": "Yes"},
                                                              {"key": "no", "label": "No"}]}),
    ("funder", K.TEXT, "Funder", {"visible_if": {"field": "funded", "values": ["yes"]}}),
    ("start", K.DATE, "Planned start", {}),
    ("contact", K.EMAIL, "Contact email", {}),
    ("team", K.TABLE, "Team", {"optional": True, "columns": [{"key": "name", "label": "Name"},
                                                           {"key": "role", "label": "Role"}]}),
    ("ethics", K.ATTACHMENT, "Ethics approval", {"optional": True, "private": True}),
)


def _answers(researcher: User, title: str) -> dict:
    return {"title": title, "plan": "Grade tumours on whole-slide images and compare with pathologists.",
            "uses": ["ai", "stats"], "funded": "yes", "funder": "Demo Research Council",
            "start": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "contact": researcher.email or "researcher@example.org",
            "team": [{"name": researcher.get_full_name() or researcher.username, "role": "Principal investigator"}]}


def _form() -> Form:
    form, created = Form.objects.get_or_create(title=DEMO_FORM)
    if created:
        for position, (key, kind, label, extra) in enumerate(DEMO_FIELDS):
            FormField.objects.create(form=form, position=position, key=key, kind=kind, label=label, **extra)
    return form


def _item(dataset: Dataset, workflow: Workflow, form: Form):
    item = catalogue_item_enabled(dataset)
    if item is None or item.workflow_id != workflow.pk or item.form_id != form.pk:
        item = catalogue_item_create(dataset=dataset, workflow=workflow, form=form,
                                     requires_bona_fide=bool(item and item.requires_bona_fide),
                                     indirect=bool(item and item.indirect))
    return item


def _application(researcher: User, item, title: str) -> Application:
    """The researcher's application for `item`, created, filled in, accepted and submitted if missing."""
    found = Application.objects.filter(applicant=researcher, catalogue_items__dataset=item.dataset).first()
    if found is not None:
        return found
    application = application_command(application=None, command="create", actor=researcher,
                                      catalogue_items=[item.pk]).application
    application_command(application=application, command="accept-licenses", actor=researcher)
    application_command(application=application, command="submit", actor=researcher,
                        answers=_answers(researcher, title))
    application.refresh_from_db()
    return application


@transaction.atomic
def demo_applications_seed(*, dataset_accession: str, pending_accession: str, researcher: User,
                           steward: User) -> dict[str, Application]:
    """`dataset_accession`: the researcher's approved application (access for 180 days);
    `pending_accession`: their submitted one, waiting in the steward's queue. The steward handles and
    decides for the demo DAC. Returns both applications."""
    dataset = Dataset.objects.get(accession=dataset_accession)
    workflow, _ = Workflow.objects.get_or_create(
        title=DEMO_WORKFLOW, defaults={"kind": WK.DECIDER, "organisation": dataset.organisation, "voting": True})
    workflow.handlers.add(steward)
    workflow.deciders.add(steward)
    license, _ = License.objects.get_or_create(title=DEMO_LICENSE, defaults={"organisation": dataset.organisation})
    license_version_create(license=license, text=DEMO_LICENSE_TEXT)
    workflow.licenses.add(license)
    form = _form()
    approved = _application(researcher, _item(dataset, workflow, form), "Tumour grading with AI")
    if approved.state == ApplicationState.SUBMITTED:
        application_command(application=approved, command="assign", actor=steward)
        application_command(application=approved, command="approve", actor=steward,
                            entitlement_end=timezone.now() + timedelta(days=180),
                            comment="Approved for the project described.")
    pending = _application(researcher, _item(Dataset.objects.get(accession=pending_accession), workflow, form),
                           "Validation cohort for tumour grading")
    approved.refresh_from_db()
    pending.refresh_from_db()
    return {"approved": approved, "pending": pending}
