"""Catalogue search, facets and landing pages on a large PostgreSQL catalogue.

A dedicated database (`bigpicture_bench_catalogue`) holds 20,000 listed datasets and
1,000,000 images (see `bench/catalogue/seed.py`); it is seeded on first use and reused
after. Pages are requested in-process with Django's test `Client`, round-robin over a
spread of realistic URLs, so drift on a noisy machine hits every page alike:

- `/datasets/` unfiltered; with `?q=` (websearch syntax); with facet filters; with both;
- `/datasets/<accession>/` for random datasets;
- `/api/v1/datasets/` (skipped with a note while that URL answers 404).

Baseline: a trivial view making one `SELECT 1`, requested the same way through the same
middleware, so `ratio = page / baseline` is what the page adds. Queries per request are
counted on separate requests (CaptureQueriesContext), including a filter matching few
datasets against one matching many: the counts must be equal. The exact queries of
each page are run once more under EXPLAIN ANALYZE, and the plans written to
`var/bench/logs/catalogue-explain.txt`, to show which indexes they use.

Set CATALOGUE_RESEED=1 to rebuild the database.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.catalogue import seed
from bench.catalogue import vocabulary as vocab
from bench.catalogue.urls import BASELINE_PATH
from bench.core import RESULTS_DIR, Goal, Outcome, Result
from bench.stats import Deadline, summarize

N_WARMUP = 20
N_MEASURED = 200
MEASURE_SECONDS = 360.0  # all pages together; seeding is not counted
GOAL_SEARCH_P95_MS = 150.0
GOAL_LANDING_P95_MS = 100.0
API_PATH = "/api/v1/datasets/"
NAME = "catalogue"

SEARCH_TERMS = (
    "breast carcinoma", "prostate adenocarcinoma", "lung", "melanoma", "kidney transplant rejection",
    '"ductal carcinoma in situ"', "glioblastoma", "colon H&E", "liver -hepatitis", "Ki-67", "mouse model",
    "lymphoma", "tumour grading", "mitosis detection", "Uppsala", "HER2 breast", "survival analysis",
    "pancreas or stomach", "tumour-infiltrating lymphocytes", "resection",
)
FACET_FILTERS: tuple[dict[str, list[str]], ...] = (
    {"species": ["Homo sapiens"]},
    {"anatomical_site": ["breast"], "stain": ["H&E"]},
    {"diagnosis": ["lung adenocarcinoma"], "year": ["2024"]},
    {"clinical": ["Non-clinical"], "species": ["Mus musculus"]},
    {"access_type": ["Indirect"], "specimen_type": ["biopsy"]},
    {"organisation": [vocab.organisations()[0].name]},
    {"species": ["Mus musculus", "Rattus norvegicus"]},
    {"stain": ["IHC HER2"], "anatomical_site": ["breast"]},
    {"year": ["2025"], "anatomical_site": ["prostate"], "stain": ["H&E"]},
    {"specimen_type": ["tissue microarray core"]},
)
SEARCH_AND_FACETS: tuple[tuple[str, dict[str, list[str]]], ...] = (
    ("carcinoma", {"species": ["Homo sapiens"]}),
    ("grading", {"anatomical_site": ["prostate"]}),
    ("lymphocytes", {"stain": ["IHC CD8"]}),
    ("biopsy", {"year": ["2023"]}),
    ("colitis", {"clinical": ["Clinical"]}),
    ("segmentation", {"access_type": ["Direct"], "stain": ["H&E"]}),
    ("metastasis", {"anatomical_site": ["lymph node"], "species": ["Homo sapiens"]}),
    ("AI training", {"specimen_type": ["resection"]}),
)


def _url(path: str, q: str = "", filters: dict[str, list[str]] | None = None) -> str:
    params = ([("q", q)] if q else []) + [(k, v) for k, values in (filters or {}).items() for v in values]
    return f"{path}?{urlencode(params)}" if params else path


@dataclass
class Endpoint:
    key: str
    label: str
    urls: list[str]
    goal: Goal | None = None
    latencies: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    skipped: str = ""


def run() -> Outcome:
    from django.db import connection

    from bench import services

    if connection.vendor != "postgresql" or not services.reachable(
            connection.settings_dict.get("HOST") or "127.0.0.1", int(connection.settings_dict.get("PORT") or 5432)):
        return _no_postgres(connection.vendor)
    started = time.perf_counter()
    reseed = os.environ.get("CATALOGUE_RESEED", "") not in ("", "0")
    with _catalogue_database(os.environ.get("CATALOGUE_DATABASE", seed.DATABASE_NAME)) as name:
        info = seed.ensure_seeded(reseed=reseed)
        print(f"catalogue: {'reusing' if info.reused else 'seeded'} {name} "
              f"(seed took {info.seconds:.0f} s{' when it was built' if info.reused else ''})")
        counts = _database_counts()
        endpoints, comparisons = _endpoints()
        from django.test import Client, override_settings

        with override_settings(ROOT_URLCONF="bench.catalogue.urls", ALLOWED_HOSTS=["testserver"]):
            client = Client()
            _check_api(client, endpoints["api"])
            _count_queries(client, endpoints, comparisons)
            plans = _explain(client, endpoints)
            short = _measure(client, [e for e in endpoints.values() if not e.skipped], Deadline(MEASURE_SECONDS))
    elapsed = time.perf_counter() - started
    return _outcome(endpoints, comparisons, info, counts, plans, short, elapsed, name)


# --- Setup ------------------------------------------------------------------------------------------------


@contextmanager
def _catalogue_database(name: str) -> Iterator[str]:
    """Point Django's default connection at the catalogue database for the duration."""
    from django.conf import settings
    from django.db import connections

    conn = connections["default"]
    conn.close()
    saved = conn.settings_dict["NAME"]
    conn.settings_dict["NAME"] = name
    settings.DATABASES["default"]["NAME"] = name
    try:
        yield name
    finally:
        conn.close()
        conn.settings_dict["NAME"] = saved
        settings.DATABASES["default"]["NAME"] = saved


def _database_counts() -> dict[str, int]:
    from repository.models import Dataset, DatasetFacet, DatasetVersion, Image
    from repository.selectors.visibility import listed_versions

    return {"listed datasets": listed_versions().count(), "datasets": Dataset.objects.count(),
            "versions": DatasetVersion.objects.count(), "facet rows": DatasetFacet.objects.count(),
            "images": Image.objects.count()}


def _public_count(q: str = "", filters: dict[str, list[str]] | None = None) -> int:
    from repository.selectors.catalogue import dataset_catalogue

    return dataset_catalogue(q=q, filters=filters or {}).count()


def _few(candidates: list[tuple[str, dict[str, list[str]]]]) -> tuple[str, dict[str, list[str]], int]:
    """The first candidate matching between 1 and 19 datasets: one page, not empty."""
    for q, filters in candidates:
        count = _public_count(q, filters)
        if 1 <= count < 20:
            return q, filters, count
    raise RuntimeError("no few-results candidate matched 1-19 datasets; extend the candidates")


def _endpoints() -> tuple[dict[str, Endpoint], list[dict[str, Any]]]:
    from repository.models import Dataset
    from repository.selectors.visibility import LISTED_STATUSES

    rng = random.Random(vocab.SEED)
    listed = list(Dataset.objects.filter(status__in=LISTED_STATUSES).values_list("accession", flat=True))
    accessions = rng.sample(listed, k=min(len(listed), 250))
    search = Goal(f"p95 < {GOAL_SEARCH_P95_MS:g} ms", "<", GOAL_SEARCH_P95_MS)
    landing = Goal(f"p95 < {GOAL_LANDING_P95_MS:g} ms", "<", GOAL_LANDING_P95_MS)
    endpoints = {
        "baseline": Endpoint("baseline", f"baseline ({BASELINE_PATH}, one SELECT 1)", [BASELINE_PATH]),
        "plain": Endpoint("plain", "/datasets/ unfiltered", ["/datasets/"], search),
        "search": Endpoint("search", "/datasets/?q=", [_url("/datasets/", q) for q in SEARCH_TERMS], search),
        "facets": Endpoint("facets", "/datasets/ facet filters",
                           [_url("/datasets/", filters=f) for f in FACET_FILTERS], search),
        "both": Endpoint("both", "/datasets/?q= + facets",
                         [_url("/datasets/", q, f) for q, f in SEARCH_AND_FACETS], search),
        "landing": Endpoint("landing", "/datasets/<accession>/", [f"/datasets/{a}/" for a in accessions],
                            landing),
        "api": Endpoint("api", API_PATH, [API_PATH], Goal("informational")),
    }
    # Few against many results, for the query counts: same page, very different sizes.
    organs = list(vocab.ORGANS)
    few_facets = _few([("", {"species": [species], "anatomical_site": [organ]})
                       for species in ("Danio rerio", "Macaca mulatta", "Sus scrofa") for organ in organs])
    few_search = _few([(f"{common} {organ}", {}) for common in ("zebrafish", "macaque", "porcine")
                       for organ in organs])
    many_facets = ("", {"species": ["Homo sapiens"]})
    many_search = ("carcinoma", {})
    comparisons = [
        {"kind": "facet filter", "few": few_facets, "many": (*many_facets, _public_count(*many_facets))},
        {"kind": "search", "few": few_search, "many": (*many_search, _public_count(*many_search))},
    ]
    return endpoints, comparisons


def _check_api(client, endpoint: Endpoint) -> None:
    response = client.get(API_PATH)
    if response.status_code == 404:
        endpoint.skipped = f"{API_PATH} answered 404 (not built yet)"
    elif response.status_code != 200:
        endpoint.skipped = f"{API_PATH} answered {response.status_code}"
    if endpoint.skipped:
        print(f"catalogue: skipping the API: {endpoint.skipped}")


# --- Measurement ------------------------------------------------------------------------------------------


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response


def _count_queries(client, endpoints: dict[str, Endpoint], comparisons: list[dict[str, Any]]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            _get(client, url)
        return len(captured)

    for endpoint in endpoints.values():
        if not endpoint.skipped:
            endpoint.queries = [count(url) for url in endpoint.urls[:20]]
    for comparison in comparisons:
        for size in ("few", "many"):
            q, filters, matches = comparison[size]
            comparison[f"{size}_url"] = _url("/datasets/", q, filters)
            comparison[f"{size}_queries"] = count(comparison[f"{size}_url"])
        print(f"catalogue: queries/request, {comparison['kind']}: "
              f"{comparison['few_queries']} for {comparison['few'][2]:,} matches, "
              f"{comparison['many_queries']} for {comparison['many'][2]:,} matches")


def _measure(client, endpoints: list[Endpoint], deadline: Deadline) -> list[str]:
    """Round-robin over the endpoints; returns those cut short by the deadline."""
    for i in range(N_WARMUP):
        for endpoint in endpoints:
            _get(client, endpoint.urls[i % len(endpoint.urls)])
    for i in range(N_MEASURED):
        if deadline.expired:
            break
        for endpoint in endpoints:
            url = endpoint.urls[i % len(endpoint.urls)]
            began = time.perf_counter()
            _get(client, url)
            endpoint.latencies.append((time.perf_counter() - began) * 1000)
    for endpoint in endpoints:
        summary = summarize(endpoint.latencies)
        print(f"catalogue: {endpoint.label:42} n={len(endpoint.latencies):3}  "
              + "  ".join(f"{key} {value:7.1f} ms" for key, value in summary.items())
              + f"  queries {max(endpoint.queries)}")
    return [e.label for e in endpoints if len(e.latencies) < N_MEASURED]


def _explain(client, endpoints: dict[str, Endpoint]) -> dict[str, Any]:
    """EXPLAIN ANALYZE the exact queries of one request per page; returns the indexes each used."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    log_path = Path(settings.VAR_DIR) / "logs" / "catalogue-explain.txt"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {}
    lines = []
    for key in ("plain", "search", "facets", "both", "landing"):
        url = endpoints[key].urls[0]
        with CaptureQueriesContext(connection) as captured:
            _get(client, url)
        summary[key] = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                text = "\n".join(row[0] for row in cursor.fetchall())
            plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
            indexes = sorted(set(_index_names(plan["Plan"])))
            summary[key].append({"kind": _query_kind(sql), "ms": round(plan["Execution Time"], 1),
                                 "indexes": indexes,
                                 "seq_scans": sorted(set(_seq_scans(plan["Plan"])))})
            lines += [f"== {key}: GET {url}", sql, text, ""]
    log_path.write_text("\n".join(lines))
    print(f"catalogue: query plans written to {log_path}")
    return summary


def _query_kind(sql: str) -> str:
    text = " ".join(sql.split()).upper()
    if text.startswith("SELECT COUNT(*)"):
        return "count"
    if " GROUP BY " in text:
        return "grouped"
    return "rows"


def _walk(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _walk(child)


def _index_names(plan: dict[str, Any]) -> Iterator[str]:
    return (node["Index Name"] for node in _walk(plan) if "Index Name" in node)


def _seq_scans(plan: dict[str, Any]) -> Iterator[str]:
    return (node["Relation Name"] for node in _walk(plan) if node.get("Node Type") == "Seq Scan")


# --- Results ----------------------------------------------------------------------------------------------


def _outcome(endpoints: dict[str, Endpoint], comparisons: list[dict[str, Any]], info: seed.SeedInfo,
             counts: dict[str, int], plans: dict[str, Any], short: list[str], elapsed: float,
             database: str) -> Outcome:
    base = summarize(endpoints["baseline"].latencies)
    results = []
    for key in ("plain", "search", "facets", "both", "landing", "api"):
        endpoint = endpoints[key]
        summary = summarize(endpoint.latencies) if endpoint.latencies else {}
        for stat in ("p50", "p95"):
            results.append(Result(f"{endpoint.label} {stat}", summary.get(stat), "ms", base[stat],
                                  endpoint.goal if stat == "p95" else None))
    for key in ("baseline", "plain", "search", "facets", "both", "landing", "api"):
        endpoint = endpoints[key]
        results.append(Result(f"queries/request {endpoint.label}",
                              max(endpoint.queries) if endpoint.queries else None, "queries"))
    no_growth = Goal("0 (must not grow with result size)", "<=", 0)
    for comparison in comparisons:
        kind = comparison["kind"]
        results.append(Result(f"queries/request {kind}, few matches ({comparison['few'][2]:,})",
                              comparison["few_queries"], "queries"))
        results.append(Result(f"queries/request {kind}, many matches ({comparison['many'][2]:,})",
                              comparison["many_queries"], "queries"))
        results.append(Result(f"query-count difference many − few, {kind}",
                              abs(comparison["many_queries"] - comparison["few_queries"]), "queries",
                              goal=no_growth))
    # When the database is reused, this is the time its seed took (the notes say which).
    results.append(Result("seeding time", info.seconds, "s"))
    results.append(Result("benchmark run time, seeding included", elapsed, "s",
                          goal=Goal("< 600 s on a seeded database")))

    varying = [f"{e.label} ({min(e.queries)}-{max(e.queries)})" for e in endpoints.values()
               if e.queries and min(e.queries) != max(e.queries)]
    used = {key: sorted({name for query in queries for name in query["indexes"]}) for key, queries in
            plans.items()}
    seq = {key: sorted({name for query in queries for name in query["seq_scans"]}) for key, queries in
           plans.items()}
    notes = [
        f"Database {database}: {counts['listed datasets']:,} listed datasets ({counts['datasets']:,} in all, "
        f"{counts['versions']:,} versions, {counts['facet rows']:,} facet rows) and {counts['images']:,} "
        f"images, seeded with COPY in {info.seconds:.0f} s"
        + (f" on {str(info.marker.get('seeded', '?'))[:10]} (reused this run)." if info.reused else " this run.")
        + f" Requests in-process through Django's test Client, {N_MEASURED} per page after {N_WARMUP} "
        "warm-up, round-robin over: "
        f"{len(SEARCH_TERMS)} search terms, {len(FACET_FILTERS)} facet-filter combinations, "
        f"{len(SEARCH_AND_FACETS)} search + facet combinations, {len(endpoints['landing'].urls)} random "
        "landing pages; default sort, first page. Baseline: a trivial view making one SELECT 1 through "
        "the same middleware; ratio = page / baseline. Queries per request are the maximum over up to 20 "
        "URLs per page, counted on separate requests; few vs many compares "
        + "; ".join(f"`{c['few_url']}` with `{c['many_url']}`" for c in comparisons) + ".",
        "EXPLAIN ANALYZE of the first URL of each page, execution time per query: "
        + "; ".join(f"{key}: " + ", ".join(f"{query['kind']} {query['ms']:g} ms" for query in queries)
                    for key, queries in plans.items()) + ".",
        "Indexes in those plans: "
        + "; ".join(f"{key}: {', '.join(names) or 'none'}" for key, names in used.items())
        + ". Sequential scans: "
        + ("; ".join(f"{key}: {', '.join(names)}" for key, names in seq.items() if names) or "none") + ".",
    ]
    if varying:
        notes.append("Query counts varied between URLs of one page: " + ", ".join(varying) + ".")
    if endpoints["api"].skipped:
        notes.append(f"API skipped: {endpoints['api'].skipped}.")
    if short:
        notes.append(f"Cut short by the time budget: {', '.join(short)}.")
    return Outcome(results=results, notes=" ".join(notes), environment={
        "catalogue_database": database, "catalogue_rows": counts, "catalogue_seed": info.marker,
        "client": "django.test.Client in-process",
    })


def _no_postgres(vendor: str) -> Outcome:
    """Without PostgreSQL there is nothing to measure: say so, and keep earlier numbers if any."""
    message = (f"the catalogue benchmark needs PostgreSQL on 127.0.0.1:5432 (or DATABASE_URL); "
               f"the database here is {vendor}")
    print(f"catalogue: {message}")
    previous = RESULTS_DIR / f"{NAME}.json"
    if previous.exists():
        raise RuntimeError(f"{message}; keeping the results already in {previous.name}")
    return Outcome(results=[Result("catalogue pages", None, "ms")], notes=f"Not measured: {message}.")
