"""The command table of access applications and the one function that runs a command.

Every command is exactly one ApplicationEvent, written in one transaction with the application row
locked (select_for_update). `COMMANDS` says, per command, how its arguments become the event's payload
(`prepare`, which refuses with a message people read), what else follows in the same transaction
(`after`: license acceptance, entitlements, the blacklist) and whether entitlements are recomputed.
Who may run it is the permission table's (access.applications.permissions).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from access.applications import mail
from access.applications.answers import answers_clean
from access.applications.permissions import CREATE_COMMANDS, ApplicationRole, allowed_commands
from access.applications.projection import Snapshot, apply, project
from access.applications.roles import application_roles
from access.models import (
    Application,
    ApplicationEvent,
    ApplicationMember,
    ApplicationReviewer,
    ApplicationState,
    Blacklist,
    CatalogueItem,
    License,
    LicenseAcceptance,
    User,
    Workflow,
)
from access.selectors.applications import (
    application_license_versions,
    open_application_for,
    user_unaccepted_versions,
)
from access.selectors.visas import is_bona_fide
from access.services.entitlements import application_users, blacklist_add, entitlements_recompute
from access.tokens import secret_hash
from bigpicture.errors import UserError
from governance.services import audit_record
from repository.models import DatasetStatus


class CommandRefused(UserError):
    """The command may not run now; the message says why and what to do."""


@dataclass
class Context:
    application: Application
    actor: User | None
    snapshot: Snapshot
    workflow: Workflow
    now: datetime
    # Set by prepare for after-effects and the caller (an invitation's token, a new application).
    result: dict[str, Any]
    roles: frozenset[str]


@dataclass(frozen=True)
class Command:
    name: str
    label: str
    prepare: Callable[[Context, dict], dict]
    after: Callable[[Context, ApplicationEvent], None] | None = None
    recompute: bool = False
    needs_comment: bool = False
    destructive: bool = False
    help: str = ""


# --- preparing payloads -------------------------------------------------------------------------------------


def _comment(args: dict, *, required: bool = False, name: str = "comment") -> str:
    text = str(args.get(name) or "").strip()
    if required and not text:
        raise CommandRefused("Write a comment that says why; the applicant reads it.")
    return text


def _user(args: dict, key: str = "user") -> User:
    value = args.get(key)
    if isinstance(value, User):
        return value
    user = User.objects.filter(pk=value).first() if str(value or "").isdigit() else None
    user = user or User.objects.filter(username=value).first()
    if user is None or not user.is_active:
        raise CommandRefused(f"No active user {value!r}; give a username.")
    return user


def _users(args: dict, key: str = "users") -> list[User]:
    values = args.get(key) or []
    if not isinstance(values, list | tuple):
        values = [values]
    users = [_user({"user": value}) for value in values if value not in (None, "")]
    if not users:
        raise CommandRefused("Name at least one user.")
    return users


def _form_fields(items: list[CatalogueItem]):
    form = next((item.form for item in items if item.form_id), None)
    return list(form.fields.all()) if form else []


def _attachment_ids(ctx: Context) -> set[int]:
    return set(ctx.application.attachments.filter(redacted_at__isnull=True).values_list("pk", flat=True))


def _answers_checked(ctx: Context, args: dict, *, require: bool):
    answers = args.get("answers", ctx.snapshot.answers) or {}
    if not isinstance(answers, dict):
        raise CommandRefused("Give the answers as an object of field keys and values.")
    fields = _form_fields(list(ctx.application.catalogue_items.select_related("form")))
    cleaned, problems = answers_clean(fields, answers, attachment_ids=_attachment_ids(ctx), require=require)
    return answers, cleaned, problems


def _answers(ctx: Context, args: dict, *, require: bool) -> dict:
    _, cleaned, problems = _answers_checked(ctx, args, require=require)
    if problems:
        raise CommandRefused("Please correct the form: " + "; ".join(map(str, problems)))
    return cleaned


def _items(args: dict) -> list[CatalogueItem]:
    values = args.get("catalogue_items") or []
    try:
        values = [int(getattr(value, "pk", value)) for value in values]
    except (TypeError, ValueError):
        raise CommandRefused("Catalogue items are given by their numbers.") from None
    items = list(CatalogueItem.objects.filter(pk__in=values)
                 .select_related("dataset", "workflow", "form"))
    if not items or len(items) != len(set(values)):
        raise CommandRefused("Choose one or more catalogue items that exist.")
    withdrawn = [item.dataset.accession for item in items if item.dataset.status == DatasetStatus.WITHDRAWN]
    if withdrawn:
        raise CommandRefused(f"{', '.join(withdrawn)} is withdrawn; it takes no applications.")
    ended = [item.dataset.accession for item in items if item.ended_at is not None]
    if ended:
        raise CommandRefused(f"{', '.join(ended)}: that catalogue item has ended; apply from the dataset's page.")
    if len({item.workflow_id for item in items}) > 1 or len({item.form_id for item in items}) > 1:
        raise CommandRefused("Datasets can be applied for together only when they share a workflow and a form.")
    if not items[0].workflow.enabled:
        raise CommandRefused(f"The workflow {items[0].workflow.title} takes no applications now.")
    return items


def _not_blacklisted(users: list[User], items: list[CatalogueItem]) -> None:
    for user in users:
        for item in items:
            if Blacklist.objects.filter(user=user, dataset=item.dataset).exists():
                raise CommandRefused(f"{user.username} may not apply for {item.dataset.accession}: access to it "
                                     "was revoked. Contact the data access committee.")


def _no_duplicates(users: list[User], items: list[CatalogueItem], *, exclude: Application | None) -> None:
    """REMS #3124: one open application per user and dataset; and no application from the blacklist."""
    _not_blacklisted(users, items)
    for user in users:
        for item in items:
            other = open_application_for(user, item.dataset, exclude=exclude)
            if other is not None:
                link = reverse("access:application", args=[other.pk])
                raise CommandRefused(f"{user.username} already has an open application for {item.dataset.accession}: "
                                     f"{link} (application {other.pk}, {other.get_state_display()}). Continue that "
                                     "one instead of starting another.")


def prepare_create(ctx: Context, args: dict) -> dict:
    """A renewal (`renews`: the applicant's approved application) may overlap the one it renews."""
    items = _items(args)
    renews = args.get("renews")
    if renews is not None:
        renews = Application.objects.filter(pk=getattr(renews, "pk", renews), applicant=ctx.actor,
                                            state=ApplicationState.APPROVED).first()
        if renews is None:
            raise CommandRefused("Only your own approved application can be renewed.")
    _no_duplicates([ctx.actor], items, exclude=renews)
    return {"applicant": ctx.actor.pk, "catalogue_items": [item.pk for item in items],
            "renews": renews.pk if renews else None, "answers": args.get("answers") or {}}


def prepare_save_draft(ctx: Context, args: dict) -> dict:
    """A draft keeps what was typed, even where it is not valid yet; the problems come back as warnings."""
    given, cleaned, problems = _answers_checked(ctx, args, require=False)
    ctx.result["problems"] = problems
    return {"answers": {**cleaned, **{problem.key: given[problem.key] for problem in problems}}}


def _bona_fide_if_required(user: User, items: list[CatalogueItem]) -> None:
    """A dataset whose policy asks for a bona fide researcher takes applications only from one."""
    needing = [item.dataset.accession for item in items if item.requires_bona_fide]
    if needing and not is_bona_fide(user):
        raise CommandRefused(f"{', '.join(needing)} is for bona fide researchers only: log in with Life Science "
                             "AAI, where your researcher status (a GA4GH ResearcherStatus visa) is asserted, "
                             "then submit again.")


def prepare_submit(ctx: Context, args: dict) -> dict:
    items = list(ctx.application.catalogue_items.select_related("dataset"))
    _not_blacklisted([ctx.actor], items)
    _bona_fide_if_required(ctx.actor, items)
    answers = _answers(ctx, args, require=True)
    missing = user_unaccepted_versions(ctx.actor, ctx.application)
    if missing:
        raise CommandRefused("Accept the terms first: " + ", ".join(str(v) for v in missing) + ".")
    return {"answers": answers}


def prepare_accept_licenses(ctx: Context, args: dict) -> dict:
    versions = list(application_license_versions(ctx.application))
    if not versions:
        raise CommandRefused("This application has no licenses to accept.")
    return {"license_versions": [version.pk for version in versions]}


def after_accept_licenses(ctx: Context, event: ApplicationEvent) -> None:
    for version_id in event.payload["license_versions"]:
        LicenseAcceptance.objects.get_or_create(user=ctx.actor, license_version_id=version_id,
                                                defaults={"application": ctx.application})


def prepare_approve(ctx: Context, args: dict) -> dict:
    end = args.get("entitlement_end")
    if isinstance(end, str) and end.strip():
        parsed = parse_datetime(end) or (parse_datetime(end + "T00:00:00") if len(end) == 10 else None)
        if parsed is None:
            raise CommandRefused(f"{end!r} is not a date; write it as YYYY-MM-DD.")
        end = parsed if parsed.tzinfo else timezone.make_aware(parsed)
    if end and end <= ctx.now:
        raise CommandRefused("The entitlement end date must be in the future.")
    return {"entitlement_end": end.isoformat() if end else None, "comment": _comment(args)}


def prepare_comment(ctx: Context, args: dict) -> dict:
    return {"comment": _comment(args)}


def prepare_required_comment(ctx: Context, args: dict) -> dict:
    return {"comment": _comment(args, required=True)}


def after_revoke(ctx: Context, event: ApplicationEvent) -> None:
    """Revoking bars every user of the application from its datasets, and rejects their other open
    applications for them."""
    reason = event.payload["comment"]
    for user in application_users(ctx.application):
        for item in ctx.application.catalogue_items.select_related("dataset"):
            blacklist_add(user=user, dataset=item.dataset, application=ctx.application, actor=ctx.actor, reason=reason)
    blacklist_enforce(users=application_users(ctx.application), actor=ctx.actor, exclude=ctx.application)


def prepare_request(kind: str) -> Callable[[Context, dict], dict]:
    def prepare(ctx: Context, args: dict) -> dict:
        users = _users(args)
        return {"users": [user.pk for user in users], "comment": _comment(args)}
    prepare.__name__ = f"prepare_request_{kind}"
    return prepare


def prepare_answer(kind: str) -> Callable[[Context, dict], dict]:
    def prepare(ctx: Context, args: dict) -> dict:
        if not ctx.snapshot.reviewers.get(f"{ctx.actor.pk}:{kind}"):
            raise CommandRefused(f"Nobody has asked you for a {kind} on this application, or you gave it already.")
        payload = {"comment": _comment(args, required=kind == "review")}
        if kind == "decision":
            decision = args.get("decision")
            if decision not in ("approve", "reject"):
                raise CommandRefused("Say whether you recommend to approve or to reject.")
            payload["decision"] = decision
        return payload
    prepare.__name__ = f"prepare_answer_{kind}"
    return prepare


def prepare_invite(ctx: Context, args: dict) -> dict:
    email = str(args.get("email") or "").strip().lower()
    if "@" not in email:
        raise CommandRefused("Give the email address to send the invitation to.")
    token = secret_token()
    ctx.result["token"] = token
    return {"email": email, "token_hash": secret_hash(token)}


def secret_token() -> str:
    return secrets.token_urlsafe(24)


def prepare_accept_invitation(ctx: Context, args: dict) -> dict:
    token_hash = secret_hash(str(args.get("token") or ""))
    invitation = ctx.snapshot.invitations.get(token_hash)
    if invitation is None:
        raise CommandRefused("This invitation is not valid any more: it was used or withdrawn. Ask for a new one.")
    if invitation["role"] == "member":
        _no_duplicates([ctx.actor], list(ctx.application.catalogue_items.all()), exclude=ctx.application)
    return {"token_hash": token_hash, "role": invitation["role"]}


def prepare_add_member(ctx: Context, args: dict) -> dict:
    user = _user(args)
    if user.pk == ctx.snapshot.applicant_id or user.pk in ctx.snapshot.member_ids:
        raise CommandRefused(f"{user.username} is already on this application.")
    _no_duplicates([user], list(ctx.application.catalogue_items.all()), exclude=ctx.application)
    return {"user": user.pk}


def prepare_remove_member(ctx: Context, args: dict) -> dict:
    user = _user(args)
    if user.pk not in ctx.snapshot.member_ids:
        raise CommandRefused(f"{user.username} is not a member of this application.")
    return {"user": user.pk, "comment": _comment(args)}


def prepare_uninvite_member(ctx: Context, args: dict) -> dict:
    email = str(args.get("email") or "").strip().lower()
    if not any(inv["email"] == email for inv in ctx.snapshot.invitations.values()):
        raise CommandRefused(f"Nobody invited {email or 'that address'} to this application.")
    return {"email": email}


def prepare_add_licenses(ctx: Context, args: dict) -> dict:
    values = [getattr(value, "pk", value) for value in args.get("licenses") or []]
    licenses = list(License.objects.filter(pk__in=values))
    if not licenses or len(licenses) != len(set(values)):
        raise CommandRefused("Choose one or more licenses that exist.")
    return {"licenses": [license.pk for license in licenses], "comment": _comment(args)}


def prepare_change_resources(ctx: Context, args: dict) -> dict:
    items = _items(args)
    if ctx.application.state != ApplicationState.DRAFT and items[0].workflow_id != ctx.workflow.pk:
        raise CommandRefused("A submitted application keeps its workflow; apply separately for those datasets.")
    users = [User.objects.get(pk=pk) for pk in [ctx.snapshot.applicant_id, *ctx.snapshot.member_ids]]
    _no_duplicates(users, items, exclude=ctx.application)
    return {"catalogue_items": [item.pk for item in items], "comment": _comment(args)}


def prepare_change_applicant(ctx: Context, args: dict) -> dict:
    user = _user(args)
    if user.pk not in ctx.snapshot.member_ids:
        raise CommandRefused("The new applicant must be a member of the application first.")
    return {"user": user.pk}


def prepare_external_id(ctx: Context, args: dict) -> dict:
    external_id = str(args.get("external_id") or "").strip()
    if not external_id or len(external_id) > 100:
        raise CommandRefused("Give an external id of 1 to 100 characters.")
    return {"external_id": external_id}


def prepare_remark(ctx: Context, args: dict) -> dict:
    comment = _comment(args, required=True)
    public = bool(args.get("public", True))
    if not ctx.roles & {ApplicationRole.HANDLER, ApplicationRole.DECIDER}:
        public = True  # only the DAC side writes private notes
    attachments = [int(pk) for pk in args.get("attachments") or []]
    if not set(attachments) <= _attachment_ids(ctx):
        raise CommandRefused("An attachment is not one of this application's files.")
    return {"comment": comment, "public": public, "attachments": attachments}


def prepare_copy_as_new(ctx: Context, args: dict) -> dict:
    items = []
    for item in ctx.application.catalogue_items.select_related("successor", "dataset"):
        while item.successor_id is not None:  # ended items lead to their successors
            item = item.successor
        if item.ended_at is None:
            items.append(item)
    if not items:
        raise CommandRefused("None of these datasets can be applied for any more.")
    # From an approved application the copy is its renewal (REMS #1506).
    renews = ctx.application if ctx.application.state == ApplicationState.APPROVED else None
    new = application_command(application=None, command="create", actor=ctx.actor,
                              catalogue_items=[item.pk for item in items], answers=ctx.snapshot.answers,
                              renews=renews).application
    ctx.result["new_application"] = new
    return {"new_application": new.pk}


def prepare_redact(ctx: Context, args: dict) -> dict:
    values = {int(pk) for pk in args.get("attachments") or []}
    if not values or not values <= _attachment_ids(ctx):
        raise CommandRefused("Choose attachments of this application that are not yet redacted.")
    return {"attachments": sorted(values), "comment": _comment(args)}


def after_redact(ctx: Context, event: ApplicationEvent) -> None:
    for attachment in ctx.application.attachments.filter(pk__in=event.payload["attachments"]):
        if attachment.file:
            attachment.file.delete(save=False)
        attachment.redacted_at = ctx.now
        attachment.save(update_fields=["file", "redacted_at"])


def prepare_vote(ctx: Context, args: dict) -> dict:
    vote = args.get("vote")
    if vote not in ("approve", "reject", "abstain"):
        raise CommandRefused("Vote approve, reject or abstain.")
    return {"vote": vote, "comment": _comment(args)}


def prepare_assign(ctx: Context, args: dict) -> dict:
    """'I'm handling this' (no user given), or hand it to another handler, or release it (user '')."""
    if "user" not in args:
        return {"assignee": ctx.actor.pk}
    if args["user"] in (None, ""):
        return {"assignee": None}
    user = _user(args)
    if not ctx.workflow.handlers.filter(pk=user.pk).exists():
        raise CommandRefused(f"{user.username} is not a handler of {ctx.workflow.title}.")
    return {"assignee": user.pk}


def prepare_remind(ctx: Context, args: dict) -> dict:
    last = ctx.snapshot.last_reminder_at
    every = timedelta(days=settings.APPLICATIONS_REMINDER_INTERVAL_DAYS)
    if last is not None and ctx.now - last < every:
        again = timezone.localtime(last + every).strftime("%Y-%m-%d %H:%M")
        raise CommandRefused(f"You sent a reminder on {timezone.localtime(last):%Y-%m-%d}; you can send the next "
                             f"one from {again}.")
    return {}


def prepare_delete(ctx: Context, args: dict) -> dict:
    return {}


def _c(name, label, prepare, **kw) -> Command:
    return Command(name, label, prepare, **kw)


COMMANDS: dict[str, Command] = {c.name: c for c in (
    _c("create", "Start an application", prepare_create, help="A new draft for one or more catalogue items."),
    _c("save-draft", "Save draft", prepare_save_draft, help="Keep the answers; a draft may be incomplete."),
    _c("accept-licenses", "Accept the terms", prepare_accept_licenses, after=after_accept_licenses,
       recompute=True, help="The actor accepts the current version of every license that applies."),
    _c("submit", "Submit", prepare_submit, help="Answers are validated; the applicant must have accepted the terms."),
    _c("approve", "Approve", prepare_approve, recompute=True,
       help="Optional entitlement end date; access starts for users who accepted the terms."),
    _c("reject", "Reject", prepare_required_comment, needs_comment=True, destructive=True),
    _c("return", "Return to applicant", prepare_required_comment, needs_comment=True),
    _c("close", "Close", prepare_comment, recompute=True, destructive=True, help="Ends access."),
    _c("revoke", "Revoke", prepare_required_comment, after=after_revoke, recompute=True, needs_comment=True,
       destructive=True, help="Ends access at once and blacklists the users for these datasets."),
    _c("request-review", "Request a review", prepare_request("review")),
    _c("review", "Give a review", prepare_answer("review"), needs_comment=True),
    _c("request-decision", "Request a decision", prepare_request("decision")),
    _c("decide", "Give a decision", prepare_answer("decision"),
       help="A recommendation to approve or reject, for the handlers."),
    _c("invite-reviewer", "Invite a reviewer by email", prepare_invite),
    _c("invite-decider", "Invite a decider by email", prepare_invite),
    _c("add-member", "Add a member", prepare_add_member, recompute=True),
    _c("invite-member", "Invite a member by email", prepare_invite),
    _c("accept-invitation", "Accept the invitation", prepare_accept_invitation, recompute=True),
    _c("remove-member", "Remove a member", prepare_remove_member, recompute=True, destructive=True),
    _c("uninvite-member", "Withdraw an invitation", prepare_uninvite_member),
    _c("remark", "Add a remark", prepare_remark, needs_comment=True,
       help="Public remarks are mailed to the applicant; private ones are seen by the DAC only."),
    _c("add-licenses", "Add licenses", prepare_add_licenses, recompute=True),
    _c("change-resources", "Change datasets", prepare_change_resources, recompute=True),
    _c("change-applicant", "Change applicant", prepare_change_applicant, recompute=True),
    _c("assign-external-id", "Assign an external id", prepare_external_id),
    _c("copy-as-new", "Copy as a new application", prepare_copy_as_new,
       help="From an approved application this is a renewal: the new one links to it."),
    _c("redact-attachments", "Redact attachments", prepare_redact, after=after_redact, destructive=True),
    _c("vote", "Vote", prepare_vote),
    _c("assign", "I'm handling this", prepare_assign, help="Assign to yourself, another handler, or nobody."),
    _c("remind", "Send a reminder", prepare_remind,
       help="The applicant nudges the handlers, once every APPLICATIONS_REMINDER_INTERVAL_DAYS days."),
    _c("delete", "Delete draft", prepare_delete, destructive=True, help="Drafts only; removes the application."),
)}


# --- running a command --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    application: Application | None
    event: ApplicationEvent | None
    result: dict[str, Any]


def application_workflow(application: Application) -> Workflow:
    item = application.catalogue_items.select_related("workflow").order_by("pk").first()
    return item.workflow


def application_command(*, application: Application | None, command: str, actor: User | None,
                        **args) -> Outcome:
    """Run `command` on `application` (None for create) as `actor` (None: the portal itself).

    Refuses with CommandRefused when the permission table does not allow it or its arguments are wrong."""
    spec = COMMANDS.get(command)
    if spec is None:
        raise CommandRefused(f"Unknown command {command!r}.")
    if actor is not None and not (actor.is_authenticated and actor.is_active):
        raise CommandRefused("Log in first.")
    with transaction.atomic():
        now = timezone.now()
        if application is None:
            if command not in CREATE_COMMANDS or actor is None:
                raise CommandRefused(f"{command} needs an application.")
            return _create(spec, actor, args, now)
        application = Application.objects.select_for_update().get(pk=application.pk)
        events = list(application.events.order_by("seq"))
        snapshot = project(events)
        workflow = application_workflow(application)
        roles = application_roles(actor, application, snapshot, workflow, token=str(args.get("token") or ""))
        if command not in allowed_commands(application.state, roles, workflow):
            role_names = ", ".join(sorted(roles)) or "no role"
            raise CommandRefused(f"{spec.label} is not possible on an application that is "
                                 f"{application.get_state_display().lower()}, for {role_names}.")
        ctx = Context(application, actor, snapshot, workflow, now, {}, frozenset(roles))
        payload = spec.prepare(ctx, args)
        if command == "delete":
            return _delete(ctx)
        event = ApplicationEvent.objects.create(application=application, seq=len(events) + 1, type=command,
                                                actor=actor, payload=payload, created=now)
        ctx.snapshot = apply(snapshot, event)
        snapshot_store(application, ctx.snapshot)
        if spec.after:
            spec.after(ctx, event)
        if spec.recompute:
            entitlements_recompute(application=application, actor=actor, revoke=command == "revoke", now=now)
        audit_record(actor=actor, action=f"application.{command}", target=application,
                     detail={"seq": event.seq, **{k: v for k, v in payload.items() if k != "token_hash"}})
        mail.application_event_notify(event=event, application=application, snapshot=ctx.snapshot,
                                      workflow=workflow, result=ctx.result)
        return Outcome(application, event, ctx.result)


def _create(spec: Command, actor: User, args: dict, now) -> Outcome:
    ctx = Context(Application(), actor, Snapshot(), None, now, {}, frozenset())
    payload = spec.prepare(ctx, args)
    application = Application.objects.create(applicant=actor, state=ApplicationState.DRAFT)
    event = ApplicationEvent.objects.create(application=application, seq=1, type="create", actor=actor,
                                            payload=payload, created=now)
    snapshot_store(application, apply(Snapshot(), event))
    audit_record(actor=actor, action="application.create", target=application, detail=payload)
    return Outcome(application, event, {})


def _delete(ctx: Context) -> Outcome:
    application = ctx.application
    audit_record(actor=ctx.actor, action="application.delete", target=application,
                 detail={"events": application.events.count(), "answers": ctx.snapshot.answers})
    for attachment in application.attachments.all():
        if attachment.file:
            attachment.file.delete(save=False)
    application.delete()
    return Outcome(None, None, {})


def snapshot_store(application: Application, snapshot: Snapshot) -> None:
    """Write the projection into the application's columns and its member and reviewer rows."""
    application.state = snapshot.state
    application.applicant_id = snapshot.applicant_id
    application.external_id = snapshot.external_id
    application.renews_id = snapshot.renews_id
    application.assignee_id = snapshot.assignee_id
    application.entitlement_end = snapshot.entitlement_end
    application.submitted_at = snapshot.submitted_at
    application.decided_at = snapshot.decided_at
    application.last_reminder_at = snapshot.last_reminder_at
    application.answers = snapshot.answers
    application.save()
    application.catalogue_items.set(snapshot.catalogue_item_ids)
    application.added_licenses.set(snapshot.added_license_ids)
    ApplicationMember.objects.filter(application=application).exclude(user_id__in=snapshot.member_ids).delete()
    for user_id in snapshot.member_ids:
        ApplicationMember.objects.get_or_create(application=application, user_id=user_id)
    wanted = {}
    for key, pending in snapshot.reviewers.items():
        user_id, kind = key.split(":")
        wanted[(int(user_id), kind)] = pending
    for row in ApplicationReviewer.objects.filter(application=application):
        if (row.user_id, row.kind) not in wanted:
            row.delete()
    for (user_id, kind), pending in wanted.items():
        ApplicationReviewer.objects.update_or_create(application=application, user_id=user_id, kind=kind,
                                                     defaults={"pending": pending})


def blacklist_enforce(*, users: list[User], actor: User | None = None, exclude: Application | None = None) -> int:
    """After users were blacklisted: reject (as the portal) their submitted or returned applications that
    cover a dataset they are barred from, and recompute their approved ones (access to it ends).
    Returns how many applications were rejected."""
    rejected = 0
    for user in users:
        barred = Blacklist.objects.filter(user=user).values("dataset")
        covering = (Application.objects.filter(Q(applicant=user) | Q(members__user=user),
                                               catalogue_items__dataset__in=barred).distinct())
        if exclude is not None:
            covering = covering.exclude(pk=exclude.pk)
        for application in covering.filter(applicant=user, state__in=(ApplicationState.SUBMITTED,
                                                                       ApplicationState.RETURNED)):
            application_command(application=application, command="reject", actor=None,
                                comment="Access to a dataset of this application was revoked for the applicant.")
            rejected += 1
        for application in covering.filter(state=ApplicationState.APPROVED):
            entitlements_recompute(application=application, actor=actor)
    return rejected



# What each command takes (the UI's form fields, the API's body, the docs): comment, entitlement_end (date),
# user (username), users (usernames), email, external_id, licenses (pks), catalogue_items (pks),
# decision (approve|reject), vote (approve|reject|abstain), public (bool), token, attachments (pks), answers.
COMMAND_INPUTS: dict[str, tuple[str, ...]] = {
    "create": ("catalogue_items",), "save-draft": ("answers",), "submit": ("answers",),
    "approve": ("entitlement_end", "comment"), "reject": ("comment",), "return": ("comment",), "close": ("comment",),
    "revoke": ("comment",), "request-review": ("users", "comment"), "review": ("comment",),
    "request-decision": ("users", "comment"), "decide": ("decision", "comment"), "invite-reviewer": ("email",),
    "invite-decider": ("email",), "add-member": ("user",), "invite-member": ("email",), "accept-invitation": ("token",),
    "remove-member": ("user", "comment"), "uninvite-member": ("email",), "remark": ("comment", "public", "attachments"),
    "add-licenses": ("licenses", "comment"), "change-resources": ("catalogue_items", "comment"),
    "change-applicant": ("user",), "assign-external-id": ("external_id",), "redact-attachments": ("attachments",
                                                                                                  "comment"),
    "vote": ("vote", "comment"), "assign": ("user",),
}


def command_args(command: str, data) -> dict:
    """A command's arguments from a form (or a JSON body: lists stay lists)."""
    args: dict = {}
    for name in COMMAND_INPUTS.get(command, ()):
        if name not in data:
            continue
        many = name in ("users", "licenses", "catalogue_items", "attachments")
        value = data.getlist(name) if many and hasattr(data, "getlist") else data.get(name)
        if many and isinstance(value, list):  # a text box of names or ids, separated by spaces or commas
            value = [part for entry in value for part in str(entry).replace(",", " ").split()]
        if name == "public":
            value = str(value).lower() in ("1", "true", "on", "yes")
        args[name] = value
    return args
