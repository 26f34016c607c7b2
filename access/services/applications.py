"""Writes around access applications that are not one command: attachments, bulk actions, the end-date
and expiry-reminder sweeps, and the blacklist. Single commands go through
access.applications.commands.application_command."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from access.applications.commands import (
    CommandRefused,
    application_command,
    application_workflow,
    blacklist_enforce,
)
from access.applications.mail import application_mail, link
from access.models import Application, ApplicationAttachment, ApplicationState, User
from access.services.entitlements import application_users, blacklist_add
from governance.services import audit_record

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
BULK_COMMANDS = frozenset({"approve", "reject", "assign"})


@transaction.atomic
def application_attachment_add(*, application: Application, upload: UploadedFile, actor: User) -> ApplicationAttachment:
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise CommandRefused(f"{upload.name} is {upload.size // (1024 * 1024)} MB; attachments may be at most "
                             f"{ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB.")
    attachment = ApplicationAttachment(application=application, filename=upload.name[:255],
                                       content_type=(upload.content_type or "")[:100], uploaded_by=actor)
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    audit_record(actor=actor, action="application.attachment_add", target=application,
                 detail={"attachment": attachment.pk, "filename": attachment.filename, "size": upload.size})
    return attachment


def applications_bulk(*, applications, command: str, actor: User, **args) -> dict[str, list]:
    """Run one command on many applications, each in its own transaction (REMS has no bulk actions).
    Returns the pks done and the refusals, so one refused application does not stop the rest."""
    if command not in BULK_COMMANDS:
        raise CommandRefused(f"{command} cannot be run in bulk; choose approve, reject or assign.")
    done, refused = [], []
    for application in applications:
        try:
            application_command(application=application, command=command, actor=actor, **args)
            done.append(application.pk)
        except CommandRefused as error:
            refused.append((application.pk, str(error)))
    return {"done": done, "refused": refused}


def _datasets(application: Application) -> list[str]:
    return [item.dataset.accession for item in application.catalogue_items.select_related("dataset")]


def entitlement_end_dates_enforce(*, now=None) -> dict[str, int]:
    """Close every approved application whose entitlement end has passed (REMS #3333): access ends,
    the applicant side hears of it by the close mail, and the handlers are told too."""
    now = now or timezone.now()
    closed = 0
    due = Application.objects.filter(state=ApplicationState.APPROVED, entitlement_end__lte=now)
    for application in due.order_by("entitlement_end"):
        with transaction.atomic():
            try:
                outcome = application_command(application=application, command="close", actor=None,
                                              comment="The entitlement end date passed; access has ended.")
            except CommandRefused:  # closed or revoked meanwhile: nothing left to end
                continue
            workflow = application_workflow(application)
            context = {"application": application, "datasets": _datasets(application), "for_handlers": True,
                       "link": link(reverse("access:application", args=[application.pk])),
                       "portal": settings.PORTAL_NAME}
            application_mail(to=[u.email for u in workflow.handlers.all() if u.email],
                             subject=f"Access ended: application {application.pk}", template="applications_expiry",
                             context=context, dedupe_key=f"application-ended-{outcome.event.pk}-handlers")
        closed += 1
    return {"closed": closed}


def entitlement_expiry_remind(*, now=None) -> dict[str, int]:
    """Tell the users of approved applications that end within APPLICATIONS_EXPIRY_REMINDER_DAYS, once."""
    now = now or timezone.now()
    horizon = now + timedelta(days=settings.APPLICATIONS_EXPIRY_REMINDER_DAYS)
    sent = 0
    due = Application.objects.filter(state=ApplicationState.APPROVED, entitlement_end__gt=now,
                                     entitlement_end__lte=horizon, expiry_reminded_at__isnull=True)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=pk)
            if application.expiry_reminded_at is not None:
                continue
            context = {"application": application, "datasets": _datasets(application), "ended": False,
                       "link": link(reverse("access:application", args=[application.pk])),
                       "portal": settings.PORTAL_NAME}
            application_mail(to=[user.email for user in application_users(application) if user.email],
                             subject=f"Your access ends on {application.entitlement_end:%Y-%m-%d}",
                             template="applications_expiry", context=context,
                             dedupe_key=f"application-expiry-{application.pk}-{application.entitlement_end:%Y%m%d}")
            application.expiry_reminded_at = now
            application.save(update_fields=["expiry_reminded_at"])
            sent += 1
    return {"reminded": sent}


@transaction.atomic
def blacklist_apply(*, user: User, dataset, actor: User | None, reason: str = ""):
    """Bar `user` from `dataset` and reject their submitted or returned applications that cover it."""
    entry = blacklist_add(user=user, dataset=dataset, actor=actor, reason=reason)
    blacklist_enforce(users=[user], actor=actor)
    return entry
