"""Rebuild applications from their events: the stored columns and rows are only a copy of the projection."""

from __future__ import annotations

from django.db import transaction

from access.applications.commands import snapshot_store
from access.applications.projection import Snapshot, project
from access.models import Application


def stored_snapshot(application: Application) -> dict:
    """What the database holds for `application`, in the projection's terms."""
    return {
        "state": application.state, "applicant_id": application.applicant_id, "external_id": application.external_id,
        "assignee_id": application.assignee_id, "entitlement_end": application.entitlement_end,
        "submitted_at": application.submitted_at, "decided_at": application.decided_at,
        "last_reminder_at": application.last_reminder_at, "answers": application.answers,
        "renews_id": application.renews_id,
        "member_ids": sorted(application.members.values_list("user_id", flat=True)),
        "catalogue_item_ids": sorted(application.catalogue_items.values_list("pk", flat=True)),
        "added_license_ids": sorted(application.added_licenses.values_list("pk", flat=True)),
        "reviewers": {f"{r.user_id}:{r.kind}": r.pending for r in application.reviewers.all()},
    }


def projection_differences(application: Application) -> tuple[Snapshot, list[str]]:
    """The snapshot rebuilt from the events, and the names of the stored values that differ from it."""
    snapshot = project(application.events.order_by("seq"))
    stored = stored_snapshot(application)
    return snapshot, [key for key, value in stored.items() if getattr(snapshot, key) != value]


def applications_rebuild(*, write: bool) -> dict[int, list[str]]:
    """Every application whose stored copy differs from its events: {pk: differing names}. With `write`,
    each is rewritten from its events (locked, one transaction each)."""
    found: dict[int, list[str]] = {}
    for pk in Application.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=pk)
            snapshot, differences = projection_differences(application)
            if differences:
                found[pk] = differences
                if write:
                    snapshot_store(application, snapshot)
    return found
