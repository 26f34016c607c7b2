"""The permission function: can_access_pixels answered from the cache against recomputed.

One researcher with an entitlement through an approved application, and one stranger, ask for
one published dataset version, alternately. A cached call is the answer found with matching
generations; an uncached call follows a bump of the user's generation (not timed), so it
recomputes from the database (roles, data-manager groups, blacklist, catalogue item,
entitlement) and stores the answer again. The uncached call is the baseline of the same run.
Measured with the local-memory cache and, when Redis answers, with Redis (as in production with
CACHE_URL), each alone (PERMISSION_LOCAL_SECONDS=0), and then with this process's recent answers in
front of the shared cache, as production has them. Everything is written inside one transaction that is rolled back at the end.
BENCH_PERMISSIONS_CALLS sets the calls per kind (default 2000).
"""

from __future__ import annotations

import os
import time
import uuid

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from access.models import Application, ApplicationState, CatalogueItem, Organisation, User, Workflow
from access.selectors import can_access_pixels
from access.services.entitlements import entitlements_recompute
from access.services.permissions import permissions_invalidate
from bench.core import Goal, Outcome, Result
from bench.stats import summarize
from repository.models import Dataset, DatasetStatus, DatasetVersion

CALLS = int(os.environ.get("BENCH_PERMISSIONS_CALLS") or 2000)
GOAL_CACHED_P50_MS = 0.5  # "well under a millisecond"
_LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench-permissions"}


def _fixture() -> tuple[DatasetVersion, User, User]:
    tag = uuid.uuid4().hex[:8]
    organisation = Organisation.objects.create(name=f"Bench permissions {tag}", slug=f"bench-perm-{tag}")
    dataset = Dataset.objects.create(accession=f"bp-dataset-bench-{tag}", alias=f"bench-{tag}",
                                     organisation=organisation, status=DatasetStatus.RELEASED)
    version = DatasetVersion.objects.create(dataset=dataset, number=1, alias=dataset.alias, title="Bench",
                                            short_name="BENCH", version_label="1", metadata_standard="2.0.0",
                                            published_at=timezone.now())
    dataset.latest_version = version
    dataset.save(update_fields=["latest_version"])
    workflow = Workflow.objects.create(title=f"Bench DAC {tag}", organisation=organisation)
    item = CatalogueItem.objects.create(dataset=dataset, workflow=workflow)
    researcher = User.objects.create(username=f"bench-researcher-{tag}", organisation=organisation)
    stranger = User.objects.create(username=f"bench-stranger-{tag}", organisation=organisation)
    application = Application.objects.create(applicant=researcher, state=ApplicationState.APPROVED,
                                             submitted_at=timezone.now(), decided_at=timezone.now())
    application.catalogue_items.add(item)
    entitlements_recompute(application=application)
    return version, researcher, stranger


def _measure(version, users) -> tuple[list[float], list[float]]:
    cached, uncached = [], []
    for n in range(CALLS):
        user = users[n % len(users)]
        permissions_invalidate(user_id=user.pk)
        start = time.perf_counter()
        can_access_pixels(user, version)
        uncached.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        can_access_pixels(user, version)
        cached.append((time.perf_counter() - start) * 1000)
    return cached, uncached


def _rows(label: str, cached: list[float], uncached: list[float]) -> list[Result]:
    hit, miss = summarize(cached), summarize(uncached)
    print(f"permissions: {label}: cached p50 {hit['p50']:.3f} ms p95 {hit['p95']:.3f} ms; "
          f"uncached p50 {miss['p50']:.3f} ms p95 {miss['p95']:.3f} ms")
    return [Result(f"can_access_pixels cached, {label}, p50", hit["p50"], "ms", miss["p50"],
                   Goal(f"p50 < {GOAL_CACHED_P50_MS:g} ms", "<", GOAL_CACHED_P50_MS)),
            Result(f"can_access_pixels cached, {label}, p95", hit["p95"], "ms", miss["p95"]),
            Result(f"can_access_pixels uncached (recomputed), {label}, p50", miss["p50"], "ms")]


def run() -> Outcome:
    call_command("migrate", verbosity=0)
    # label -> (the shared cache, PERMISSION_LOCAL_SECONDS): the shared caches alone, then the
    # production setup, this process's recent answers in front of the shared cache.
    caches_measured = {"local memory": (_LOCMEM, 0)}
    shared = _LOCMEM
    if settings.CELERY_BROKER_URL.startswith("redis"):  # bench.services picked Redis
        shared = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.CELERY_BROKER_URL}
        caches_measured["Redis"] = (shared, 0)
    caches_measured["this process's recent answers"] = (shared, 5)
    results = []
    with transaction.atomic():
        version, researcher, stranger = _fixture()
        for label, (cache, local_seconds) in caches_measured.items():
            with override_settings(CACHES={"default": cache}, PERMISSION_LOCAL_SECONDS=local_seconds):
                _measure(version, [researcher, stranger])  # warm-up: connections, query plans
                results += _rows(label, *_measure(version, [researcher, stranger]))
        transaction.set_rollback(True)
    return Outcome(results, notes=f"{CALLS} calls of each kind, a researcher with an entitlement and a "
                                  "stranger alternately; baseline: the same call recomputed after a "
                                  "generation bump.",
                   environment={"caches": ", ".join(caches_measured)})
