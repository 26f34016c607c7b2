"""Reads about submissions: who may do what, and the queues."""

from __future__ import annotations

from access.roles import Role
from access.selectors import can_submit_for
from ingestion.states import CONTRIBUTOR, STEWARD, Transition, transitions_from


def is_steward(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(Role.DATA_STEWARD))


def transition_allowed(submission, transition: Transition, actor) -> bool:
    if actor is None:
        return True  # the portal itself
    if transition.by == CONTRIBUTOR:
        return can_submit_for(actor, submission.organisation)
    if transition.by == STEWARD:
        return is_steward(actor)
    return False  # system transitions are never a person's


def submission_actions(submission, user) -> list[Transition]:
    """The transitions `user` may fire now: the buttons, and the API's `actions` field."""
    return [t for t in transitions_from(submission.state) if transition_allowed(submission, t, user)]


def submission_visible(submission, user) -> bool:
    return is_steward(user) or can_submit_for(user, submission.organisation)


def report_groups(report: dict) -> list[dict]:
    """A stored validation report's problems as groups for the page: errors, then warnings, by file."""
    groups = []
    for severity, title in (("error", "Errors"), ("warning", "Warnings")):
        problems = [p for p in report.get("problems", []) if p.get("severity", "error") == severity]
        by_file: dict[str, list[dict]] = {}
        for problem in problems:
            by_file.setdefault(problem.get("file") or "(the bundle)", []).append(problem)
        if problems:
            groups.append({"severity": severity, "title": title, "count": len(problems), "files": by_file})
    return groups
