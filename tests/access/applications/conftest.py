import pytest

from access.applications.commands import application_command
from access.models import WorkflowKind
from tests.access.applications.factories import CatalogueItemFactory, WorkflowFactory, license_with_text
from tests.access.factories import UserFactory


@pytest.fixture
def handler(db):
    return UserFactory(username="handler")


@pytest.fixture
def decider(db):
    return UserFactory(username="decider")


@pytest.fixture
def applicant(db):
    return UserFactory(username="applicant")


@pytest.fixture
def workflow(handler):
    return WorkflowFactory(handlers=[handler], voting=True)


@pytest.fixture
def decider_workflow(handler, decider):
    return WorkflowFactory(handlers=[handler], deciders=[decider], kind=WorkflowKind.DECIDER)


@pytest.fixture
def item(workflow):
    return CatalogueItemFactory(workflow=workflow, licenses=[license_with_text("Research use only.")])


def run(application, command, actor, **args):
    return application_command(application=application, command=command, actor=actor, **args)


@pytest.fixture
def draft(applicant, item):
    return run(None, "create", applicant, catalogue_items=[item.pk]).application


@pytest.fixture
def submitted(draft, applicant):
    run(draft, "accept-licenses", applicant)
    run(draft, "submit", applicant)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def approved(submitted, handler):
    run(submitted, "approve", handler)
    submitted.refresh_from_db()
    return submitted
