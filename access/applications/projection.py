"""An application's state as a pure function of its events: `project(events) -> Snapshot`.

Nothing here reads the database. The engine stores the snapshot in Application's columns (and its
members and reviewers rows) for queries; tests rebuild every application from its events and compare.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.utils.dateparse import parse_datetime

from access.models import ApplicationState

S = ApplicationState

# The state a command leads to; commands not named here leave it as it is.
STATE_AFTER = {"create": S.DRAFT, "submit": S.SUBMITTED, "return": S.RETURNED, "approve": S.APPROVED,
               "reject": S.REJECTED, "close": S.CLOSED, "revoke": S.REVOKED}


class EventLike(Protocol):
    type: str
    actor_id: int | None
    payload: dict[str, Any]
    created: datetime


@dataclass
class Snapshot:
    state: str = ""
    applicant_id: int | None = None
    member_ids: list[int] = field(default_factory=list)
    catalogue_item_ids: list[int] = field(default_factory=list)
    added_license_ids: list[int] = field(default_factory=list)
    external_id: str = ""
    renews_id: int | None = None
    assignee_id: int | None = None
    entitlement_end: datetime | None = None
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    last_reminder_at: datetime | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    # {"<user pk>:<review|decision>": pending}
    reviewers: dict[str, bool] = field(default_factory=dict)
    # {token_hash: {"email", "role": member|reviewer|decider}}, pending invitations
    invitations: dict[str, dict[str, str]] = field(default_factory=dict)
    # {"<user pk>": approve|reject|abstain}
    votes: dict[str, str] = field(default_factory=dict)
    redacted_attachment_ids: list[int] = field(default_factory=list)


def _when(value) -> datetime | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, datetime) else parse_datetime(value)


def _add(ids: list[int], *new: int) -> list[int]:
    return sorted(set(ids) | set(new))


def apply(snapshot: Snapshot, event: EventLike) -> Snapshot:
    """The snapshot after one more event (the input is not changed)."""
    s = copy.deepcopy(snapshot)
    p = event.payload
    kind = event.type
    if kind in STATE_AFTER:
        s.state = STATE_AFTER[kind]
    if kind == "create":
        s.applicant_id = p["applicant"]
        s.catalogue_item_ids = sorted(p["catalogue_items"])
        s.renews_id = p.get("renews")
        s.answers = p.get("answers") or {}
    elif kind == "save-draft":
        s.answers = p["answers"]
    elif kind == "submit":
        s.submitted_at = event.created
        s.answers = p.get("answers", s.answers)
    elif kind in ("approve", "reject"):
        s.decided_at = event.created
        if kind == "approve":
            s.entitlement_end = _when(p.get("entitlement_end"))
    elif kind == "request-review" or kind == "request-decision":
        request = "review" if kind == "request-review" else "decision"
        for user in p["users"]:
            s.reviewers[f"{user}:{request}"] = True
    elif kind in ("review", "decide"):
        s.reviewers[f"{event.actor_id}:{'review' if kind == 'review' else 'decision'}"] = False
    elif kind in ("invite-reviewer", "invite-decider", "invite-member"):
        s.invitations[p["token_hash"]] = {"email": p["email"], "role": kind.removeprefix("invite-")}
    elif kind == "accept-invitation":
        invitation = s.invitations.pop(p["token_hash"])
        if invitation["role"] == "member":
            s.member_ids = _add(s.member_ids, event.actor_id)
        else:
            s.reviewers[f"{event.actor_id}:{'review' if invitation['role'] == 'reviewer' else 'decision'}"] = True
    elif kind == "uninvite-member":
        s.invitations = {token: inv for token, inv in s.invitations.items() if inv["email"] != p["email"]}
    elif kind == "add-member":
        s.member_ids = _add(s.member_ids, p["user"])
    elif kind == "remove-member":
        s.member_ids = [user for user in s.member_ids if user != p["user"]]
    elif kind == "add-licenses":
        s.added_license_ids = _add(s.added_license_ids, *p["licenses"])
    elif kind == "change-resources":
        s.catalogue_item_ids = sorted(p["catalogue_items"])
    elif kind == "change-applicant":
        # The old applicant stays on as a member (REMS does the same).
        s.member_ids = _add([user for user in s.member_ids if user != p["user"]], s.applicant_id)
        s.applicant_id = p["user"]
    elif kind == "assign-external-id":
        s.external_id = p["external_id"]
    elif kind == "assign":
        s.assignee_id = p.get("assignee")
    elif kind == "remind":
        s.last_reminder_at = event.created
    elif kind == "vote":
        s.votes[str(event.actor_id)] = p["vote"]
    elif kind == "redact-attachments":
        s.redacted_attachment_ids = _add(s.redacted_attachment_ids, *p["attachments"])
    return s


def project(events: Iterable[EventLike]) -> Snapshot:
    snapshot = Snapshot()
    for event in events:
        snapshot = apply(snapshot, event)
    return snapshot


def pending_reviewers(snapshot: Snapshot, kind: str) -> list[int]:
    return sorted(int(key.split(":")[0]) for key, pending in snapshot.reviewers.items()
                  if pending and key.endswith(f":{kind}"))


def has_been_asked(snapshot: Snapshot, user_id: int, kind: str) -> bool:
    return f"{user_id}:{kind}" in snapshot.reviewers
