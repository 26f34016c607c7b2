"""A second application for a dataset while one is open is refused, with a link to the open one (REMS #3124)."""

import pytest
from django.urls import reverse

from access.applications.commands import CommandRefused
from tests.access.applications.conftest import run
from tests.access.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_second_application_refused_with_a_link(draft, applicant, item):
    with pytest.raises(CommandRefused) as refused:
        run(None, "create", applicant, catalogue_items=[item.pk])
    assert reverse("access:application", args=[draft.pk]) in str(refused.value)


def test_a_member_with_an_open_application_cannot_be_added(draft, applicant, item):
    colleague = UserFactory()
    run(None, "create", colleague, catalogue_items=[item.pk])
    with pytest.raises(CommandRefused, match="already has an open application"):
        run(draft, "add-member", applicant, user=colleague.username)


def test_after_rejection_one_may_apply_again(submitted, applicant, handler, item):
    run(submitted, "reject", handler, comment="Incomplete.")
    assert run(None, "create", applicant, catalogue_items=[item.pk]).application.pk != submitted.pk


def test_the_apply_page_sends_to_the_open_application(client, draft, applicant, item):
    client.force_login(applicant)
    response = client.get(reverse("access:application_apply", args=[item.dataset.accession]))
    assert response.status_code == 302 and response.url == reverse("access:application", args=[draft.pk])


def test_a_withdrawn_dataset_takes_no_applications(applicant, item):
    item.dataset.status = "withdrawn"
    item.dataset.save()
    with pytest.raises(CommandRefused, match="withdrawn"):
        run(None, "create", applicant, catalogue_items=[item.pk])
