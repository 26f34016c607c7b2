"""Who may run which command on an application: one table, state x role -> commands.

The engine (access.applications.commands), the buttons, the API and docs/access-commands.md all read
`PERMISSIONS` through `allowed_commands`. Two workflow rules adjust it, and are documented with it:
- in a *decider* workflow only deciders approve and reject (handlers ask them with request-decision),
  so nobody merely advises there; in a *default* workflow a decider someone asked only advises (decide);
- review requests and voting are offered only when the workflow has that option.
"""

from __future__ import annotations

from django.db import models

from access.models import ApplicationState, Workflow, WorkflowKind


class ApplicationRole(models.TextChoices):
    APPLICANT = "applicant", "Applicant"
    MEMBER = "member", "Member"
    HANDLER = "handler", "Handler (the workflow's DAC)"
    REVIEWER = "reviewer", "Reviewer (asked for a review)"
    DECIDER = "decider", "Decider"
    REPORTER = "reporter", "Reporter (data stewards: read only)"
    INVITEE = "invitee", "Invitee (holds an invitation)"
    SYSTEM = "system", "The portal itself (end dates, blacklist)"


S, R = ApplicationState, ApplicationRole

# Commands that act on an application that does not exist yet.
CREATE_COMMANDS = frozenset({"create"})

_HANDLER_OPEN = {"approve", "reject", "return", "close", "request-review", "request-decision", "invite-reviewer",
                 "invite-decider", "add-member", "invite-member", "remove-member", "uninvite-member", "remark",
                 "add-licenses", "change-resources", "change-applicant", "assign-external-id", "redact-attachments",
                 "vote", "assign"}
_HANDLER_RETURNED = _HANDLER_OPEN - {"approve", "reject", "return", "vote"}
_HANDLER_APPROVED = {"close", "revoke", "remark", "add-member", "invite-member", "remove-member", "uninvite-member",
                     "add-licenses", "change-applicant", "assign-external-id", "redact-attachments", "assign"}
_HANDLER_FINAL = {"remark", "assign-external-id", "redact-attachments"}
_APPLICANT_EDITING = {"save-draft", "accept-licenses", "submit", "add-member", "invite-member", "remove-member",
                      "uninvite-member", "change-resources", "copy-as-new", "close"}
_INVITED = {"accept-invitation"}

PERMISSIONS: dict[str, dict[str, frozenset[str]]] = {
    S.DRAFT: {
        R.APPLICANT: frozenset(_APPLICANT_EDITING | {"delete"}),
        R.MEMBER: frozenset({"accept-licenses"}),
        R.INVITEE: frozenset(_INVITED),
    },
    S.SUBMITTED: {
        R.APPLICANT: frozenset({"accept-licenses", "invite-member", "uninvite-member", "remind", "remark",
                                "copy-as-new"}),
        R.MEMBER: frozenset({"accept-licenses"}),
        R.HANDLER: frozenset(_HANDLER_OPEN),
        R.REVIEWER: frozenset({"review", "remark"}),
        R.DECIDER: frozenset({"approve", "reject", "decide", "remark", "vote"}),
        R.INVITEE: frozenset(_INVITED),
        R.SYSTEM: frozenset({"reject", "close"}),
    },
    S.RETURNED: {
        R.APPLICANT: frozenset(_APPLICANT_EDITING),
        R.MEMBER: frozenset({"accept-licenses"}),
        R.HANDLER: frozenset(_HANDLER_RETURNED),
        R.REVIEWER: frozenset({"review", "remark"}),
        R.DECIDER: frozenset({"decide", "remark"}),
        R.INVITEE: frozenset(_INVITED),
        R.SYSTEM: frozenset({"reject", "close"}),
    },
    S.APPROVED: {
        R.APPLICANT: frozenset({"accept-licenses", "invite-member", "uninvite-member", "remark", "copy-as-new"}),
        R.MEMBER: frozenset({"accept-licenses"}),
        R.HANDLER: frozenset(_HANDLER_APPROVED),
        R.DECIDER: frozenset({"revoke", "remark"}),
        R.INVITEE: frozenset(_INVITED),
        R.SYSTEM: frozenset({"close"}),
    },
    S.REJECTED: {R.APPLICANT: frozenset({"copy-as-new"}), R.HANDLER: frozenset(_HANDLER_FINAL)},
    S.CLOSED: {R.APPLICANT: frozenset({"copy-as-new"}), R.HANDLER: frozenset(_HANDLER_FINAL)},
    S.REVOKED: {R.HANDLER: frozenset(_HANDLER_FINAL)},
}

# The workflow rules (see the module docstring): commands a role loses by workflow kind or option.
DECISIONS = frozenset({"approve", "reject"})
KIND_REMOVES: dict[str, dict[str, frozenset[str]]] = {
    WorkflowKind.DEFAULT: {R.DECIDER: DECISIONS | {"revoke"}},
    WorkflowKind.DECIDER: {R.HANDLER: DECISIONS, R.DECIDER: frozenset({"decide"})},
}
OPTION_REMOVES: dict[str, frozenset[str]] = {
    "review_requests": frozenset({"request-review", "invite-reviewer"}),
    "voting": frozenset({"vote"}),
}


def role_commands(state: str, role: str, workflow: Workflow | None) -> frozenset[str]:
    commands = PERMISSIONS.get(state, {}).get(role, frozenset())
    if workflow is None:
        return commands
    commands = commands - KIND_REMOVES.get(workflow.kind, {}).get(role, frozenset())
    for option, removed in OPTION_REMOVES.items():
        if not getattr(workflow, option):
            commands = commands - removed
    return commands


def allowed_commands(state: str, roles, workflow: Workflow | None) -> frozenset[str]:
    """Every command any of `roles` may run on an application in `state` under `workflow`."""
    allowed: frozenset[str] = frozenset()
    for role in roles:
        allowed |= role_commands(state, role, workflow)
    return allowed
