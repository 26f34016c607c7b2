"""The public statistics page, its charts (inline SVG, drawn here) and its tables as CSV."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.views.decorators.http import require_GET

from bigpicture.spreadsheets import csv_safe
from repository.selectors.statistics import (
    STATISTICS_FACETS,
    facet_statistics,
    growth_by_month,
    organisation_statistics,
    statistics_totals,
)


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[tuple[str, str], ...]  # (row key, header)
    rows: Callable[[], list[dict]]


def _growth_rows() -> list[dict]:
    return [{**row, "month": row["month"].strftime("%Y-%m")} for row in growth_by_month()]


def _facet_table(facet: str) -> Table:
    label = STATISTICS_FACETS[facet]
    return Table(f"Datasets and WSIs per {label.lower()}",
                 (("value", label), ("datasets", "Datasets"), ("wsis", "WSIs in these datasets")),
                 partial(facet_statistics, facet))


# The tables of the page, by the name of their CSV download.
FACET_TABLES = {"stains": "stain", "species": "species"}
TABLES: dict[str, Table] = {
    "organisations": Table("WSIs and datasets per organisation", (
        ("organisation", "Organisation"), ("country", "Country"), ("datasets", "Datasets"),
        ("wsis", "WSIs"), ("total_bytes", "Size (bytes)")), organisation_statistics),
    "growth": Table("Growth per month", (
        ("month", "Month"), ("datasets", "New datasets"), ("wsis", "New WSIs"),
        ("cumulative_datasets", "Datasets (cumulative)"), ("cumulative_wsis", "WSIs (cumulative)")), _growth_rows),
    **{name: _facet_table(facet) for name, facet in FACET_TABLES.items()},
}

# Chart geometry, in SVG user units (the SVG scales to its container).
WIDTH, HEIGHT = 560, 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 12, 14, 30
MAX_X_LABELS = 7


def _nice_step(maximum: float, ticks: int = 4) -> int:
    raw = max(maximum, 1) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return max(1, int(factor * magnitude))
    return int(10 * magnitude)


def _compact(value: int) -> str:
    for limit, suffix in ((1_000_000, "M"), (1_000, "k")):
        if value >= limit:
            shown = f"{value / limit:.1f}".removesuffix(".0")
            return f"{shown}{suffix}"
    return str(value)


def bar_chart(growth: list[dict], key: str, *, name: str, unit: str) -> dict:
    """Bars of one cumulative series per month, with axis ticks and labels, ready for the template."""
    values = [row[key] for row in growth]
    step = _nice_step(max(values, default=0))
    top = step * max(1, math.ceil(max(values, default=0) / step))
    plot_width, plot_height = WIDTH - MARGIN_LEFT - MARGIN_RIGHT, HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_width / max(len(values), 1)
    bar_width = max(slot * 0.72, 1)
    baseline = MARGIN_TOP + plot_height
    bars = []
    for index, (row, value) in enumerate(zip(growth, values, strict=True)):
        height = plot_height * value / top
        bars.append({
            "x": round(MARGIN_LEFT + index * slot + (slot - bar_width) / 2, 2), "y": round(baseline - height, 2),
            "width": round(bar_width, 2), "height": round(height, 2),
            "title": f"{date_format(row['month'], 'M Y')}: {number_format(value, force_grouping=True)} {unit}",
        })
    every = max(1, math.ceil(len(growth) / MAX_X_LABELS))
    x_labels = [{"x": round(MARGIN_LEFT + index * slot + slot / 2, 2), "text": date_format(row["month"], "M Y")}
                for index, row in enumerate(growth) if index % every == 0]
    y_ticks = [{"y": round(baseline - plot_height * tick / top, 2), "text": _compact(tick)}
               for tick in range(0, top + 1, step)]
    first, last = growth[0], growth[-1]
    description = (f"{name} grew from {number_format(first[key], force_grouping=True)} in "
                   f"{date_format(first['month'], 'F Y')} to {number_format(last[key], force_grouping=True)} in "
                   f"{date_format(last['month'], 'F Y')}.")
    return {
        "name": name, "key": key, "description": description, "bars": bars, "x_labels": x_labels,
        "y_ticks": y_ticks, "width": WIDTH, "height": HEIGHT, "left": MARGIN_LEFT, "tick_label_x": MARGIN_LEFT - 8,
        "right": WIDTH - MARGIN_RIGHT, "baseline": baseline, "label_y": baseline + 20,
    }


@require_GET
def statistics(request):
    growth = growth_by_month()
    charts = []
    if growth:
        charts = [
            bar_chart(growth, "cumulative_wsis", name="Whole-slide images", unit="WSIs"),
            bar_chart(growth, "cumulative_datasets", name="Datasets", unit="datasets"),
        ]
    return render(request, "repository/statistics.html", {
        "totals": statistics_totals(),
        "organisations": organisation_statistics(),
        "growth": growth,
        "charts": charts,
        "facet_tables": [
            {"name": name, "facet": facet, "label": STATISTICS_FACETS[facet], "title": TABLES[name].title,
             "rows": TABLES[name].rows()}
            for name, facet in FACET_TABLES.items()
        ],
    })


@require_GET
def statistics_csv(request, table: str):
    if table not in TABLES:
        raise Http404("No such statistics table.")
    spec = TABLES[table]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="bigpicture-{table}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow([header for _, header in spec.columns])
    for row in spec.rows():
        writer.writerow([csv_safe(row[key]) for key, _ in spec.columns])
    return response
