"""Mail about application events, queued in the outbox inside the command's transaction (rems.md, Emails).

approve, reject, revoke, close -> applicant and members; submit -> handlers; return -> applicant;
request-review / request-decision -> those asked; review / decide -> handlers; public remark -> applicant;
invitations -> the invited address; remind -> the assignee, or every handler while nobody has taken it;
a new license version -> the users of the approved applications it applies to.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from access.applications.projection import Snapshot
from access.models import User
from bigpicture.outbox import mail_enqueue

APPLICANT_SIDE, HANDLERS, ASKED, INVITED = "applicant_side", "handlers", "asked", "invited"

# command -> (who hears of it, the subject, the sentence that opens the mail)
EVENT_MAIL: dict[str, tuple[str, str, str]] = {
    "approve": (APPLICANT_SIDE, "Application {id} approved", "The application was approved."),
    "reject": (APPLICANT_SIDE, "Application {id} rejected", "The application was rejected."),
    "revoke": (APPLICANT_SIDE, "Access revoked (application {id})",
               "Access granted by the application was revoked; it has ended."),
    "close": (APPLICANT_SIDE, "Application {id} closed", "The application was closed; any access it gave has ended."),
    "submit": (HANDLERS, "Application {id} submitted", "An application was submitted and waits for the committee."),
    "return": ("applicant", "Application {id} returned to you", "The committee returned the application to you."),
    "request-review": (ASKED, "Review requested: application {id}", "You are asked to review an application."),
    "request-decision": (ASKED, "Decision requested: application {id}", "You are asked to decide on an application."),
    "review": (HANDLERS, "Application {id} reviewed", "A reviewer gave a review."),
    "decide": (HANDLERS, "Decision on application {id}", "A decider gave a decision."),
    "remark": ("applicant", "New remark on application {id}", "There is a new remark on the application."),
    "remind": (HANDLERS, "Reminder: application {id} waits", "The applicant asks about the application."),
    "invite-member": (INVITED, "Invitation to an access application", "You are invited to join an application."),
    "invite-reviewer": (INVITED, "Invitation to review an access application", "You are invited to review."),
    "invite-decider": (INVITED, "Invitation to decide on an access application", "You are invited to decide."),
}


def link(path: str) -> str:
    return f"{settings.EMAIL_LINK_BASE_URL.rstrip('/')}{path}"


def _addresses(users) -> list[str]:
    return [user.email for user in users if user.email and user.is_active]


def _recipients(kind: str, *, application, snapshot: Snapshot, workflow, event) -> list[str]:
    if kind == APPLICANT_SIDE:
        return _addresses(User.objects.filter(pk__in=[snapshot.applicant_id, *snapshot.member_ids]))
    if kind == "applicant":
        return _addresses(User.objects.filter(pk=snapshot.applicant_id))
    if kind == HANDLERS:
        if event.type == "remind" and application.assignee_id:
            return _addresses([application.assignee])
        return _addresses(workflow.handlers.all())
    if kind == ASKED:
        return _addresses(User.objects.filter(pk__in=event.payload["users"]))
    if kind == INVITED:
        return [event.payload["email"]]
    return []


def application_event_notify(*, event, application, snapshot: Snapshot, workflow, result: dict) -> None:
    rule = EVENT_MAIL.get(event.type)
    if rule is None or (event.type == "remark" and not event.payload.get("public")):
        return
    kind, subject, opening = rule
    path = reverse("access:application", args=[application.pk])
    if kind == INVITED:
        path = reverse("access:application_invitation", args=[application.pk, result["token"]])
    context = {"application": application, "event": event, "opening": opening, "link": link(path),
               "datasets": [item.dataset.accession for item in application.catalogue_items.select_related("dataset")],
               "comment": event.payload.get("comment", ""), "portal": settings.PORTAL_NAME}
    to = _recipients(kind, application=application, snapshot=snapshot, workflow=workflow, event=event)
    application_mail(to=to, subject=subject.format(id=application.pk), template="applications_event",
                     context=context, dedupe_key=f"application-event-{event.pk}")


def application_mail(*, to: list[str], subject: str, template: str, context: dict, dedupe_key: str) -> None:
    body = render_to_string(f"access/mail/{template}.txt", context)
    mail_enqueue(to=to, subject=f"[{settings.PORTAL_NAME}] {subject}", body=body, dedupe_key=dedupe_key)


def license_change_notify(*, application, version) -> None:
    """The terms of an approved application changed: its users accept the new version to keep access."""
    users = User.objects.filter(pk__in=[application.applicant_id,
                                        *application.members.values_list("user_id", flat=True)])
    context = {"application": application, "version": version, "portal": settings.PORTAL_NAME,
               "link": link(reverse("access:application", args=[application.pk]))}
    application_mail(to=_addresses(users), subject=f"New terms for application {application.pk}: {version}",
                     template="applications_license_changed", context=context,
                     dedupe_key=f"application-{application.pk}-license-version-{version.pk}")
