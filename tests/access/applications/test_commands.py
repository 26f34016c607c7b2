"""Every command: run by a role the permission table allows, and refused for one it does not."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from access.applications.commands import COMMANDS, CommandRefused
from access.models import Application, ApplicationReviewer, ApplicationState, Entitlement
from access.services.applications import application_attachment_add
from access.services.catalogue import license_version_create
from tests.access.applications.conftest import run
from tests.access.applications.factories import CatalogueItemFactory, LicenseFactory
from tests.access.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _refused(application, command, actor, **args):
    before = application.events.count()
    with pytest.raises(CommandRefused):
        run(application, command, actor, **args)
    assert application.events.count() == before


@pytest.mark.parametrize("command", sorted(set(COMMANDS) - {"create"}))
def test_a_stranger_may_run_no_command(command, submitted):
    _refused(submitted, command, UserFactory(), comment="x", user="applicant", users=["applicant"],
             email="x@example.org", external_id="X", vote="approve", decision="approve")


def test_save_draft_and_submit_are_the_applicants(draft, applicant, handler):
    run(draft, "save-draft", applicant, answers={})
    _refused(draft, "save-draft", handler, answers={})
    _refused(draft, "submit", handler)


def test_submit_needs_the_terms_accepted(draft, applicant):
    with pytest.raises(CommandRefused, match="Accept the terms first"):
        run(draft, "submit", applicant)
    run(draft, "accept-licenses", applicant)
    run(draft, "submit", applicant)


def test_approve_reject_return_are_the_handlers_in_a_default_workflow(submitted, applicant, handler):
    _refused(submitted, "approve", applicant)
    _refused(submitted, "reject", applicant, comment="no")
    _refused(submitted, "reject", handler)  # a rejection says why
    run(submitted, "return", handler, comment="Which cohort?")
    _refused(submitted, "approve", handler)  # returned: the applicant acts first
    run(submitted, "submit", applicant)
    run(submitted, "reject", handler, comment="Out of scope.")
    submitted.refresh_from_db()
    assert submitted.state == ApplicationState.REJECTED
    _refused(submitted, "approve", handler)


def test_only_the_decider_decides_in_a_decider_workflow(decider_workflow, applicant, handler, decider):
    item = CatalogueItemFactory(workflow=decider_workflow)
    application = run(None, "create", applicant, catalogue_items=[item.pk]).application
    run(application, "submit", applicant)
    _refused(application, "approve", handler)
    run(application, "request-decision", handler, users=[decider.pk], comment="Please decide.")
    end = timezone.localdate() + timedelta(days=30)
    run(application, "approve", decider, entitlement_end=end.isoformat())
    application.refresh_from_db()
    assert application.state == ApplicationState.APPROVED
    assert timezone.localtime(application.entitlement_end).date() == end


def test_approve_end_date_must_be_in_the_future(submitted, handler):
    with pytest.raises(CommandRefused, match="future"):
        run(submitted, "approve", handler, entitlement_end="2001-01-01")


def test_review_and_decide_answer_a_request(submitted, handler):
    reviewer, adviser = UserFactory(), UserFactory()
    _refused(submitted, "review", reviewer, comment="fine")
    run(submitted, "request-review", handler, users=[reviewer.username])
    run(submitted, "review", reviewer, comment="Sound plan.")
    _refused(submitted, "review", reviewer, comment="again")
    run(submitted, "request-decision", handler, users=[adviser.username])
    _refused(submitted, "approve", adviser)  # in a default workflow a decider only advises
    run(submitted, "decide", adviser, decision="approve", comment="Yes.")
    assert not ApplicationReviewer.objects.filter(application=submitted, pending=True).exists()


def test_review_requests_off_refuses_them(submitted, handler, workflow):
    workflow.review_requests = False
    workflow.save()
    _refused(submitted, "request-review", handler, users=[handler.pk])
    _refused(submitted, "invite-reviewer", handler, email="r@example.org")


def test_invitations_by_email(submitted, handler, applicant):
    outcome = run(submitted, "invite-member", applicant, email="colleague@example.org")
    colleague = UserFactory(email="other@example.org")
    _refused(submitted, "accept-invitation", colleague, token="wrong")
    run(submitted, "accept-invitation", colleague, token=outcome.result["token"])
    assert submitted.members.filter(user=colleague).exists()
    _refused(submitted, "accept-invitation", colleague, token=outcome.result["token"])  # used
    reviewer = UserFactory()
    token = run(submitted, "invite-reviewer", handler, email="rev@example.org").result["token"]
    run(submitted, "accept-invitation", reviewer, token=token)
    run(submitted, "review", reviewer, comment="OK")
    decider = UserFactory()
    token = run(submitted, "invite-decider", handler, email="dec@example.org").result["token"]
    run(submitted, "accept-invitation", decider, token=token)
    run(submitted, "decide", decider, decision="reject")


def test_uninvite_member(submitted, applicant):
    run(submitted, "invite-member", applicant, email="gone@example.org")
    run(submitted, "uninvite-member", applicant, email="gone@example.org")
    _refused(submitted, "uninvite-member", applicant, email="gone@example.org")


def test_add_and_remove_member(draft, applicant, handler):
    member = UserFactory()
    run(draft, "add-member", applicant, user=member.username)
    _refused(draft, "add-member", applicant, user=member.username)
    _refused(draft, "remove-member", member, user=member.username)
    run(draft, "remove-member", applicant, user=member.username)
    assert not draft.members.exists()


def test_remark_public_and_private(submitted, applicant, handler):
    run(submitted, "remark", handler, comment="Internal note.", public=False)
    run(submitted, "remark", applicant, comment="Any news?", public=False)
    publics = [e.payload["public"] for e in submitted.events.filter(type="remark").order_by("seq")]
    assert publics == [False, True]  # only the DAC side writes private remarks
    _refused(submitted, "remark", handler, comment="")


def test_add_licenses_asks_for_acceptance_again(approved, applicant, handler):
    extra = LicenseFactory()
    license_version_create(license=extra, text="Publish with acknowledgement.")
    assert Entitlement.objects.active().filter(user=applicant).exists()
    run(approved, "add-licenses", handler, licenses=[extra.pk])
    assert not Entitlement.objects.active().filter(user=applicant).exists()
    run(approved, "accept-licenses", applicant)
    assert Entitlement.objects.active().filter(user=applicant).exists()


def test_change_resources(draft, applicant, workflow):
    other = CatalogueItemFactory(workflow=workflow)
    run(draft, "change-resources", applicant, catalogue_items=[other.pk])
    assert list(draft.catalogue_items.all()) == [other]
    with pytest.raises(CommandRefused, match="share a workflow"):
        run(draft, "change-resources", applicant, catalogue_items=[other.pk, CatalogueItemFactory().pk])


def test_change_applicant(submitted, applicant, handler):
    member = UserFactory()
    _refused(submitted, "change-applicant", handler, user=member.username)  # not a member yet
    run(submitted, "add-member", handler, user=member.username)
    run(submitted, "change-applicant", handler, user=member.username)
    submitted.refresh_from_db()
    assert submitted.applicant == member
    assert submitted.members.filter(user=applicant).exists()


def test_assign_external_id(submitted, handler, applicant):
    run(submitted, "assign-external-id", handler, external_id="DAC-2026-7")
    _refused(submitted, "assign-external-id", applicant, external_id="MINE")
    submitted.refresh_from_db()
    assert submitted.external_id == "DAC-2026-7"


def test_copy_as_new_renews_an_approved_application(approved, applicant):
    new = run(approved, "copy-as-new", applicant).result["new_application"]
    assert new.renews == approved and new.state == ApplicationState.DRAFT
    assert list(new.catalogue_items.all()) == list(approved.catalogue_items.all())


def test_copy_of_an_open_application_is_a_refused_duplicate(submitted, applicant):
    with pytest.raises(CommandRefused, match="already has an open application"):
        run(submitted, "copy-as-new", applicant)


def test_redact_attachments(submitted, handler, applicant):
    attachment = application_attachment_add(application=submitted, actor=applicant,
                                            upload=SimpleUploadedFile("cv.pdf", b"%PDF-1.4 secret"))
    _refused(submitted, "redact-attachments", applicant, attachments=[attachment.pk])
    run(submitted, "redact-attachments", handler, attachments=[attachment.pk])
    attachment.refresh_from_db()
    assert attachment.redacted_at is not None and not attachment.file


def test_vote_only_with_voting(submitted, handler, workflow):
    run(submitted, "vote", handler, vote="approve")
    workflow.voting = False
    workflow.save()
    _refused(submitted, "vote", handler, vote="approve")


def test_close_and_revoke(approved, handler, applicant):
    _refused(approved, "revoke", applicant, comment="x")
    run(approved, "revoke", handler, comment="Data misuse.")
    approved.refresh_from_db()
    assert approved.state == ApplicationState.REVOKED
    _refused(approved, "close", handler)


def test_applicant_closes_a_draft_and_deletes_only_drafts(draft, submitted, applicant):
    _refused(submitted, "delete", applicant)
    other = CatalogueItemFactory()
    second = run(None, "create", applicant, catalogue_items=[other.pk]).application
    run(second, "delete", applicant)
    assert not Application.objects.filter(pk=second.pk).exists()


def test_the_portal_may_only_reject_and_close(submitted):
    _refused(submitted, "approve", None)
    run(submitted, "close", None, comment="End date.")


def test_a_dataset_for_bona_fide_researchers_takes_submissions_only_from_one(applicant, workflow, settings):
    from tests.access.oidc.factories import TRUSTED_ISSUER, TRUSTED_JKU, InboundVisaFactory

    settings.GA4GH_TRUSTED_VISA_ISSUERS = [(TRUSTED_ISSUER, TRUSTED_JKU)]
    item = CatalogueItemFactory(workflow=workflow, requires_bona_fide=True)
    application = run(None, "create", applicant, catalogue_items=[item.pk]).application
    with pytest.raises(CommandRefused, match="bona fide researchers only"):
        run(application, "submit", applicant)
    InboundVisaFactory(user=applicant)
    run(application, "submit", applicant)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
