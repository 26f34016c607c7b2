"""Invitations to a group by email: create (one or a CSV of many), resend, revoke, accept, expire.

The token is shown only in the mail; the row keeps its SHA-256 (access.tokens). Resending makes a new
token and a new expiry, so the old link stops working.

    pending -> accepted | expired | revoked      (resend keeps it pending, with a new token)
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from access.models import (
    Group,
    GroupMembership,
    Invitation,
    InvitationStatus,
    MembershipSource,
    MembershipStatus,
    User,
)
from access.services.groups import membership_add
from access.services.groups_mail import group_mail, portal_link
from access.tokens import secret_hash
from bigpicture.errors import UserError
from governance.services import audit_record

MAX_CSV_ROWS = 500


class InvitationRefused(UserError):
    """The invitation link cannot be used; the message says why."""


def _token_set(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = secret_hash(token)
    invitation.expires_at = timezone.now() + timedelta(days=settings.GROUPS_INVITATION_DAYS)
    return token


def _send(invitation: Invitation, token: str) -> None:
    link = portal_link(reverse("access:invitation_accept", args=[token]))
    # The key names the token hash: a resend is a new mail, a retried transaction is not.
    group_mail("invitation", to=[invitation.email], dedupe_key=f"group-invitation-{invitation.token_hash}",
               context={"invitation": invitation, "group": invitation.group, "link": link})
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])


def invitation_problem(*, group: Group, email: str) -> str:
    """Why `email` cannot be invited to `group`, or ""."""
    try:
        validate_email(email)
    except ValidationError:
        return f"'{email}' is not an email address."
    if GroupMembership.objects.filter(group=group, user__email__iexact=email,
                                      status=MembershipStatus.VALID).exists():
        return f"{email} is a member of {group.name} already."
    if Invitation.objects.filter(group=group, email__iexact=email, status=InvitationStatus.PENDING).exists():
        return f"{email} is invited to {group.name} already; resend that invitation instead."
    return ""


@transaction.atomic
def invitation_create(*, group: Group, email: str, name: str = "", actor: User | None = None) -> Invitation:
    email = email.strip().lower()
    if problem := invitation_problem(group=group, email=email):
        raise UserError(problem)
    invitation = Invitation(group=group, email=email, name=name.strip()[:200], invited_by=actor)
    token = _token_set(invitation)
    invitation.save()
    audit_record(actor=actor, action="group_invitation.create", target=invitation,
                 detail={"group": group.pk, "email": email, "expires_at": invitation.expires_at})
    _send(invitation, token)
    return invitation


@dataclass(frozen=True)
class CsvRowProblem:
    line: int
    email: str
    message: str


def invitation_csv_rows(text: str) -> tuple[list[tuple[int, str, str]], list[CsvRowProblem]]:
    """The (line, email, name) rows of an `email[,name]` CSV, and the problems of its malformed lines."""
    rows, problems = [], []
    for line, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
        fields = [field.strip() for field in fields]
        if not any(fields):
            continue
        if line == 1 and fields[0].lower() in ("email", "e-mail", "mail"):
            continue  # a header
        if len(fields) > 2:
            problems.append(CsvRowProblem(line, fields[0], "Expected email[,name]: too many columns."))
            continue
        rows.append((line, fields[0].lower(), fields[1] if len(fields) > 1 else ""))
    return rows, problems


@dataclass(frozen=True)
class BulkResult:
    invitations: list[Invitation]
    problems: list[CsvRowProblem]


def invitations_bulk_create(*, group: Group, text: str, actor: User | None = None) -> BulkResult:
    """Invite every row of the CSV, or, if any row has a problem, nobody (the problems say which rows)."""
    rows, problems = invitation_csv_rows(text)
    if not rows and not problems:
        problems.append(CsvRowProblem(0, "", "The file has no rows: write one email[,name] per line."))
    if len(rows) > MAX_CSV_ROWS:
        problems.append(CsvRowProblem(0, "", f"At most {MAX_CSV_ROWS} invitations at once; split the file."))
    seen: dict[str, int] = {}
    for line, email, _name in rows:
        if email in seen:
            problems.append(CsvRowProblem(line, email, f"{email} is on line {seen[email]} already."))
            continue
        seen[email] = line
        if problem := invitation_problem(group=group, email=email):
            problems.append(CsvRowProblem(line, email, problem))
    if problems:
        return BulkResult([], sorted(problems, key=lambda problem: problem.line))
    with transaction.atomic():
        invitations = [invitation_create(group=group, email=email, name=name, actor=actor)
                       for _line, email, name in rows]
    return BulkResult(invitations, [])


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User | None = None) -> Invitation:
    """A new token and a new expiry; the old link stops working. An expired invitation becomes pending."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status not in (InvitationStatus.PENDING, InvitationStatus.EXPIRED):
        raise UserError(f"This invitation was {invitation.get_status_display().lower()}; invite again instead.")
    if invitation.status == InvitationStatus.EXPIRED and invitation_problem(group=invitation.group,
                                                                           email=invitation.email):
        raise UserError(invitation_problem(group=invitation.group, email=invitation.email))
    token = _token_set(invitation)
    invitation.status = InvitationStatus.PENDING
    invitation.save(update_fields=["token_hash", "expires_at", "status"])
    audit_record(actor=actor, action="group_invitation.resend", target=invitation,
                 detail={"email": invitation.email, "expires_at": invitation.expires_at})
    _send(invitation, token)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User | None = None) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise UserError(f"Only a pending invitation can be revoked; this one is {invitation.status}.")
    invitation.status = InvitationStatus.REVOKED
    invitation.save(update_fields=["status"])
    audit_record(actor=actor, action="group_invitation.revoke", target=invitation, detail={"email": invitation.email})
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link's token opens, or InvitationRefused saying why it does not."""
    invitation = Invitation.objects.select_related("group", "group__organisation").filter(
        token_hash=secret_hash(token)).first()
    if invitation is None:
        raise InvitationRefused("This invitation link is not valid: it may have been resent (only the newest "
                                "link works) or mistyped. Ask the group's manager for a new one.")
    if invitation.status == InvitationStatus.REVOKED:
        raise InvitationRefused(f"This invitation to {invitation.group.name} was withdrawn by its manager.")
    if invitation.status == InvitationStatus.ACCEPTED:
        raise InvitationRefused(f"This invitation to {invitation.group.name} was accepted already.")
    if invitation.status == InvitationStatus.EXPIRED or invitation.expires_at <= timezone.now():
        raise InvitationRefused(f"This invitation to {invitation.group.name} expired; ask its manager to resend it.")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> GroupMembership:
    """`user` (logged in, with any email address) accepts: a membership with source "invitation"."""
    invitation = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationRefused("This invitation was used or withdrawn a moment ago.")
    membership = membership_add(group=invitation.group, user=user, source=MembershipSource.INVITATION, actor=user,
                                message=f"Invitation sent to {invitation.email}")
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_by, invitation.accepted_at = user, timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "accepted_at"])
    audit_record(actor=user, action="group_invitation.accept", target=invitation,
                 detail={"email": invitation.email, "user": user.username, "membership": membership.pk})
    return membership


def invitations_expire(*, now: datetime) -> int:
    """Pending invitations past their expiry become expired (the beat task)."""
    with transaction.atomic():
        due = list(Invitation.objects.select_for_update().filter(status=InvitationStatus.PENDING,
                                                                 expires_at__lte=now))
        for invitation in due:
            invitation.status = InvitationStatus.EXPIRED
            invitation.save(update_fields=["status"])
            audit_record(actor=None, action="group_invitation.expire", target=invitation,
                         detail={"email": invitation.email})
    return len(due)
