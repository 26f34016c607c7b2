"""Invitations from a CSV (email[,name]): every row is checked first; with any bad row nobody is invited
and each bad row is reported with its line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from access.models import Invitation
from access.services.groups import group_manager_add, membership_add
from access.services.groups_invitations import invitation_create, invitations_bulk_create
from bigpicture.models import OutboxMessage
from tests.access.groups.factories import GroupFactory

pytestmark = pytest.mark.django_db


def test_a_good_file_invites_everyone(user_factory):
    group = GroupFactory()
    result = invitations_bulk_create(group=group, text="email,name\nada@example.org,Ada Lovelace\n\nbob@example.org\n",
                                     actor=user_factory())
    assert result.problems == []
    assert sorted(Invitation.objects.values_list("email", "name")) == [("ada@example.org", "Ada Lovelace"),
                                                                       ("bob@example.org", "")]
    assert OutboxMessage.objects.count() == 2


def test_bad_rows_are_reported_and_nothing_is_sent(user_factory):
    group = GroupFactory(name="Pathology")
    membership_add(group=group, user=user_factory(email="member@example.org"))
    invitation_create(group=group, email="invited@example.org")
    sent_before = OutboxMessage.objects.count()
    text = "\n".join(["good@example.org,Good", "not-an-address", "member@example.org", "invited@example.org",
                      "good@example.org", "x@example.org,X,extra"])
    result = invitations_bulk_create(group=group, text=text)
    assert result.invitations == []
    assert [(problem.line, problem.message) for problem in result.problems] == [
        (2, "'not-an-address' is not an email address."),
        (3, "member@example.org is a member of Pathology already."),
        (4, "invited@example.org is invited to Pathology already; resend that invitation instead."),
        (5, "good@example.org is on line 1 already."),
        (6, "Expected email[,name]: too many columns."),
    ]
    assert list(Invitation.objects.values_list("email", flat=True)) == ["invited@example.org"]
    assert OutboxMessage.objects.count() == sent_before


def test_an_empty_file_is_a_problem():
    result = invitations_bulk_create(group=GroupFactory(), text="email,name\n\n")
    assert [problem.message for problem in result.problems] == [
        "The file has no rows: write one email[,name] per line."]


def test_the_manager_page_lists_the_bad_rows(client, user_factory):
    group, manager = GroupFactory(), user_factory()
    group_manager_add(group=group, user=manager)
    client.force_login(manager)
    upload = SimpleUploadedFile("people.csv", b"ok@example.org\nbroken\n", content_type="text/csv")
    response = client.post(f"/account/groups/{group.pk}/invitations/csv/", {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nobody was invited" in page and "Line 2: &#x27;broken&#x27; is not an email address." in page
    assert not Invitation.objects.exists()
    upload = SimpleUploadedFile("people.csv", b"ok@example.org,OK\n", content_type="text/csv")
    assert client.post(f"/account/groups/{group.pk}/invitations/csv/", {"file": upload}).status_code == 302
    assert Invitation.objects.get().email == "ok@example.org"
