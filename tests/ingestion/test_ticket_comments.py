"""Comments between steward and contributor, with attachments; internal notes stay with the stewards."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from bigpicture.models import OutboxMessage
from governance.models import AuditEvent
from ingestion.models import TicketAttachment, TicketComment
from ingestion.services import tickets as ticket_services
from tests.ingestion import ticket_factories as make

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def ticket():
    org = make.organisation()
    return make.submission(org, make.contributor(org)).ticket


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _post(client, ticket, **data):
    return client.post(reverse("ingestion:ticket-comment", args=[ticket.pk]), data, follow=True)


def test_steward_comment_with_attachment_is_stored_and_mailed_to_the_contributor(
        client, ticket, storage_backend, django_capture_on_commit_callbacks):
    stella = make.steward()
    client.force_login(stella)
    pdf = b"%PDF-1.4 the DSA\n"
    with django_capture_on_commit_callbacks(execute=True):  # the commit moves staged files into place
        response = _post(client, ticket, body="Please sign the DSA.",
                         attachments=[SimpleUploadedFile("DSA.pdf", pdf), SimpleUploadedFile("list.csv", b"a,b\n")])
    assert "Comment sent." in _messages(response)
    comment = TicketComment.objects.get(ticket=ticket)
    assert (comment.author, comment.body, comment.internal) == (stella, "Please sign the DSA.", False)
    pdf_row = TicketAttachment.objects.get(name="DSA.pdf")
    assert (pdf_row.size, pdf_row.sha256) == (len(pdf), hashlib.sha256(pdf).hexdigest())
    names = {row.storage_name for row in TicketAttachment.objects.all()}
    assert storage_backend.objects("default") == {f"default/{name}" for name in names}
    mail = OutboxMessage.objects.get(dedupe_key=f"ticket-comment-{comment.pk}")
    assert mail.to == ["carla@example.org"] and "Please sign the DSA." in mail.body and "DSA.pdf" in mail.body

    carla = ticket.submission.created_by
    client.force_login(carla)
    download = client.get(reverse("ingestion:ticket-attachment", args=[pdf_row.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf
    assert AuditEvent.objects.filter(action="ticket.attachment.download", actor_id=carla.pk).exists()


def test_bad_type_is_refused_with_a_message_and_nothing_is_stored(client, ticket, storage_backend):
    client.force_login(make.steward())
    response = _post(client, ticket, body="Here it is",
                     attachments=[SimpleUploadedFile("notes.txt", b"fine"), SimpleUploadedFile("run.exe", b"MZ")])
    assert ("run.exe: files of this type cannot be attached; attach pdf, png, jpg, txt, csv, xml files."
            in _messages(response))
    assert not TicketComment.objects.exists() and not TicketAttachment.objects.exists()
    # notes.txt was staged before run.exe was refused: the rollback removed it.
    assert storage_backend.objects("default") == set()
    assert not OutboxMessage.objects.exists()


def test_too_large_attachment_is_refused(client, ticket, storage_backend):
    client.force_login(make.steward())
    big = SimpleUploadedFile("scan.png", b"\0" * (ticket_services.ATTACHMENT_MAX_BYTES + 1))
    response = _post(client, ticket, body="Big", attachments=[big])
    assert "scan.png is 20.0 MiB; attachments may be at most 20 MiB." in _messages(response)
    assert storage_backend.objects("default") == set()


def test_empty_comment_is_refused(client, ticket):
    client.force_login(make.steward())
    assert "Write a comment or attach a file." in _messages(_post(client, ticket, body="  "))


def test_contributor_never_sees_internal_notes(client, ticket, storage_backend):
    stella, carla = make.steward(), ticket.submission.created_by
    ticket_services.ticket_comment_add(ticket=ticket, author=stella, body="Visible question")
    note = ticket_services.ticket_comment_add(ticket=ticket, author=stella, body="Internal: check the PI",
                                              internal=True, files=[SimpleUploadedFile("memo.txt", b"memo")])
    # Rendered as the contributor's submission page will render it.
    request = RequestFactory().get(f"/submissions/{ticket.submission_id}/")
    request.user = carla
    html = Template("{% load ingestion_tickets %}{% ticket_conversation submission %}").render(
        Context({"request": request, "submission": ticket.submission}))
    assert "Visible question" in html and "Internal: check the PI" not in html and "memo.txt" not in html
    assert 'name="internal"' not in html
    client.force_login(carla)
    attachment = note.attachments.get()
    assert client.get(reverse("ingestion:ticket-attachment", args=[attachment.pk])).status_code == 404
    # ...and no mail about the note went anywhere
    assert not OutboxMessage.objects.filter(dedupe_key=f"ticket-comment-{note.pk}").exists()

    request.user = stella
    html = Template("{% load ingestion_tickets %}{% ticket_conversation submission %}").render(
        Context({"request": request, "submission": ticket.submission}))
    assert "Internal: check the PI" in html and "memo.txt" in html


def test_contributor_comments_go_to_the_stewards_and_cannot_be_internal(client, ticket):
    stella = make.steward()
    carla = ticket.submission.created_by
    client.force_login(carla)
    response = _post(client, ticket, body="Sneaky", internal="1")
    assert "Only data stewards may write internal notes." in _messages(response)
    response = client.post(reverse("ingestion:ticket-comment", args=[ticket.pk]),
                           {"body": "Signed DSA attached", "next": f"/submissions/{ticket.submission_id}/"})
    assert response["Location"] == f"/submissions/{ticket.submission_id}/"
    comment = TicketComment.objects.get()
    mail = OutboxMessage.objects.get(dedupe_key=f"ticket-comment-{comment.pk}")
    assert mail.to == [stella.email]
    assert reverse("ingestion:ticket", args=[ticket.pk]) in mail.body


def test_outsiders_cannot_comment(client, ticket):
    client.force_login(make.contributor(make.organisation("umc", "UMC Utrecht"), "otto"))
    response = client.post(reverse("ingestion:ticket-comment", args=[ticket.pk]), {"body": "hi"})
    assert response.status_code == 404
    assert not TicketComment.objects.exists()
