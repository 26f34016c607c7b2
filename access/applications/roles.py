"""Which roles a user holds on one application (the columns of the permission table)."""

from __future__ import annotations

from access.applications.permissions import ApplicationRole as R
from access.applications.projection import Snapshot
from access.models import Application, Workflow, WorkflowKind
from access.roles import Role
from access.tokens import secret_hash


def application_roles(user, application: Application, snapshot: Snapshot, workflow: Workflow | None,
                      *, token: str = "") -> set[str]:
    """`user` None is the portal itself (the end-date task, the blacklist). An invitation makes an invitee
    by the user's email or by its `token`."""
    if user is None:
        return {R.SYSTEM}
    if not user.is_authenticated or not user.is_active:
        return set()
    roles = set()
    if user.pk == snapshot.applicant_id:
        roles.add(R.APPLICANT)
    if user.pk in snapshot.member_ids:
        roles.add(R.MEMBER)
    if workflow is not None and workflow.handlers.filter(pk=user.pk).exists():
        roles.add(R.HANDLER)
    if f"{user.pk}:review" in snapshot.reviewers:
        roles.add(R.REVIEWER)
    if f"{user.pk}:decision" in snapshot.reviewers or (
            workflow is not None and workflow.kind == WorkflowKind.DECIDER
            and workflow.deciders.filter(pk=user.pk).exists()):
        roles.add(R.DECIDER)
    if user.is_superuser or user.has_role(Role.DATA_STEWARD):
        roles.add(R.REPORTER)
    email = (user.email or "").strip().lower()
    if (email and any(inv["email"] == email for inv in snapshot.invitations.values())) or (
            token and secret_hash(token) in snapshot.invitations):
        roles.add(R.INVITEE)
    return roles


def may_view(roles: set[str], state: str) -> bool:
    """Drafts are the applicant side's; everything else is seen by every role on the application."""
    if state == "draft":
        return bool(roles & {R.APPLICANT, R.MEMBER, R.INVITEE, R.REPORTER})
    return bool(roles - {R.SYSTEM})
