"""/account/access/ ("My access") and the stewards' access reports and CSV exports."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from access.roles import Role
from access.selectors.permissions import user_entitlements_by_phase
from access.selectors.pixels import viewable_images
from access.selectors.reports import (
    AGE_BUCKETS,
    APPLICATION_COLUMNS,
    ENTITLEMENT_COLUMNS,
    application_rows,
    dac_turnaround,
    entitlement_rows,
    open_applications_by_age,
)
from bigpicture.spreadsheets import csv_safe
from governance.services import audit_record


@login_required
@require_GET
def my_access(request):
    phases = user_entitlements_by_phase(request.user)
    for entitlement in phases["current"]:
        # A "View slides" link, only where the permission function says the pixels are the user's.
        version = entitlement.dataset.latest_version
        images = viewable_images(request.user, version, limit=1) if version is not None else []
        entitlement.viewer_image = images[0] if images else None
    return render(request, "access/entitlements/my_access.html", {
        **phases, "is_steward": request.user.has_role(Role.DATA_STEWARD)})


def _steward_required(request) -> None:
    if not request.user.has_role(Role.DATA_STEWARD):
        raise PermissionDenied("Only data stewards see the access reports.")


@login_required
@require_GET
def reports(request):
    _steward_required(request)
    return render(request, "access/entitlements/reports.html", {
        "turnaround": dac_turnaround(), "open_by_age": open_applications_by_age(),
        "age_buckets": [label for label, _, _ in AGE_BUCKETS]})


class _Echo:
    """A file-like object whose write returns the line, for csv.writer inside a streaming response."""

    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return csv_safe(value)


def _csv_stream(name: str, columns: tuple[str, ...], rows: Callable[[], Iterator[tuple]]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(columns)
        for row in rows():
            yield writer.writerow([_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bigpicture-{name}-{timezone.localdate()}.csv"'
    return response


# The CSV exports, by name: their columns and rows.
EXPORTS: dict[str, tuple[tuple[str, ...], Callable[[], Iterator[tuple]]]] = {
    "entitlements": (ENTITLEMENT_COLUMNS, entitlement_rows),
    "applications": (APPLICATION_COLUMNS, application_rows),
}


@login_required
@require_GET
def export_csv(request, name: str):
    _steward_required(request)
    if name not in EXPORTS:
        raise Http404("No such export.")
    audit_record(actor=request.user, action=f"{name}.export", detail={"format": "csv"})
    return _csv_stream(name, *EXPORTS[name])
