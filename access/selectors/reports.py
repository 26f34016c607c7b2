"""Steward reports on access: DAC turnaround, open applications by age, and the rows of the CSV exports."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from access.models import Application, ApplicationState, Entitlement
from access.selectors.permissions import with_dac

# Age buckets of open applications: (label, from days, to days or None).
AGE_BUCKETS = (("under 7 days", 0, 7), ("7–30 days", 7, 30), ("30–90 days", 30, 90), ("over 90 days", 90, None))
# Applications waiting for someone: the DAC (submitted) or the applicant (returned).
WAITING_STATES = (ApplicationState.SUBMITTED, ApplicationState.RETURNED)


@dataclass(frozen=True)
class Turnaround:
    workflow_id: int
    workflow_title: str
    count: int
    median_days: float
    mean_days: float


def dac_turnaround() -> list[Turnaround]:
    """Per DAC (workflow), the time from submission to decision of the decided applications."""
    rows = (Application.objects.filter(submitted_at__isnull=False, decided_at__isnull=False)
            .values_list("pk", "catalogue_items__workflow_id", "catalogue_items__workflow__title",
                         "submitted_at", "decided_at").distinct())
    days: dict[tuple[int, str], dict[int, float]] = defaultdict(dict)
    for pk, workflow_id, title, submitted, decided in rows.iterator():
        if workflow_id is not None:
            days[(workflow_id, title)][pk] = (decided - submitted).total_seconds() / 86400
    return [Turnaround(workflow_id, title, len(values), statistics.median(values.values()),
                       statistics.fmean(values.values()))
            for (workflow_id, title), values in sorted(days.items(), key=lambda item: item[0][1])]


def open_applications_by_age(*, now: datetime | None = None) -> list[dict]:
    """For each waiting state, how many applications have waited how long since they were submitted."""
    now = now or timezone.now()
    buckets = {}
    for index, (_, low, high) in enumerate(AGE_BUCKETS):
        within = Q(submitted_at__lte=now - timedelta(days=low))
        if high is not None:
            within &= Q(submitted_at__gt=now - timedelta(days=high))
        buckets[f"bucket{index}"] = Count("pk", filter=within)
    counts = {row["state"]: row for row in Application.objects.filter(state__in=WAITING_STATES)
              .values("state").annotate(total=Count("pk"), **buckets)}
    return [{"state": ApplicationState(state).label, "total": counts.get(state, {}).get("total", 0),
             "buckets": [counts.get(state, {}).get(f"bucket{index}", 0) for index in range(len(AGE_BUCKETS))]}
            for state in WAITING_STATES]


ENTITLEMENT_COLUMNS = ("dataset", "user", "email", "start", "end", "approved_by", "revoked_at", "revoked_by",
                       "application", "dac")
APPLICATION_COLUMNS = ("application", "external_id", "applicant", "state", "datasets", "dacs", "created",
                       "submitted_at", "decided_at", "entitlement_end")


def entitlement_rows() -> Iterator[tuple]:
    entitlements: QuerySet[Entitlement] = with_dac(Entitlement.objects.all()).select_related(
        "dataset", "user", "approved_by", "revoked_by").order_by("pk")
    for e in entitlements.iterator(chunk_size=500):
        yield (e.dataset.accession, e.user.username, e.user.email, e.start, e.end,
               e.approved_by.username if e.approved_by else "", e.revoked_at,
               e.revoked_by.username if e.revoked_by else "", e.application_id, e.workflow_title or "")


def application_rows() -> Iterator[tuple]:
    applications = (Application.objects.select_related("applicant").order_by("pk")
                    .prefetch_related("catalogue_items__dataset", "catalogue_items__workflow"))
    for a in applications.iterator(chunk_size=500):
        items = list(a.catalogue_items.all())
        yield (a.pk, a.external_id, a.applicant.username, a.state,
               " ".join(sorted({item.dataset.accession for item in items})),
               "; ".join(sorted({item.workflow.title for item in items})),
               a.created, a.submitted_at, a.decided_at, a.entitlement_end)
