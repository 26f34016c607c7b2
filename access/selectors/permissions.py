"""`can_access_pixels(user, target)`: the one answer to "may this user see these pixels", cached.

Every path that hands out pixels, files, frames or downloads asks it: a published dataset (a Dataset
or one DatasetVersion) or the ingestion inbox (a Submission).

The cache (settings.CACHES, Redis in production) holds one answer per (user, target), stamped with
three generation numbers: everyone's, the user's and the dataset's. A write that may change an answer
bumps the matching generation, at the write and again after the commit (access.services.permissions,
by signals), so a stamped answer no longer matches and is recomputed at once, in every process that
shares the cache. A cached answer costs one cache round trip and no query.
Each answer also lives at most PERMISSION_CACHE_SECONDS, and never past the moment its entitlement
ends (or the next one starts), so time alone and writes that bypass signals still take effect
within that bound.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import caches
from django.db.models import F, Min, OuterRef, QuerySet, Subquery
from django.utils import timezone
from redis.exceptions import RedisError

from access.models import Blacklist, CatalogueItem, Entitlement
from access.roles import Role
from access.selectors.groups import may_manage_dataset
from access.selectors.organisations import can_submit_for
from access.selectors.visas import is_bona_fide
from ingestion.models import Submission
from repository.models import AccessType, Dataset, DatasetStatus, DatasetVersion

CACHE_ALIAS = "default"
# A cache that is down costs speed, never a wrong answer or a failed write.
CACHE_ERRORS = (OSError, RedisError)
log = logging.getLogger(__name__)
_PREFIX = "perm:"
EVERYONE = f"{_PREFIX}g:all"


def user_generation_key(user_id: int) -> str:
    return f"{_PREFIX}g:u:{user_id}"


def dataset_generation_key(dataset_id: int) -> str:
    return f"{_PREFIX}g:d:{dataset_id}"


def permission_cache():
    return caches[CACHE_ALIAS]


def can_access_pixels(user, target: Dataset | DatasetVersion | Submission) -> bool:
    """May `user` see the pixels of `target`? See `_dataset_answer` and `_submission_answer`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if isinstance(target, Submission):
        return _cached(generations=[EVERYONE, user_generation_key(user.pk)],
                       answer_key=f"{_PREFIX}a:{user.pk}:o{target.organisation_id}",
                       compute=lambda: (_submission_answer(user, target), None))
    # Keys from ids only, so a cached answer loads no related row.
    if isinstance(target, DatasetVersion):
        dataset_id, version_id = target.dataset_id, target.pk
    else:
        dataset_id, version_id = target.pk, target.latest_version_id
    if version_id is None:
        return False  # a dataset never published has no pixels

    def compute() -> tuple[bool, float | None]:
        version = target if isinstance(target, DatasetVersion) else target.latest_version
        return _dataset_answer(user, version.dataset, version, timezone.now())

    return _cached(generations=[EVERYONE, user_generation_key(user.pk), dataset_generation_key(dataset_id)],
                   answer_key=f"{_PREFIX}a:{user.pk}:d{dataset_id}:v{version_id}", compute=compute)


# Answers this process read from the cache in the last PERMISSION_LOCAL_SECONDS: a viewer asks tens
# of times a second, and a cache round trip is most of a cached answer's cost. A write in this process
# forgets them at once (`local_answers_forget`); other processes' writes take effect within that bound.
_local: dict[str, tuple[float, bool]] = {}
_LOCAL_MAX = 10_000


def local_answers_forget() -> None:
    _local.clear()


def _cached(*, generations: list[str], answer_key: str,
            compute: Callable[[], tuple[bool, float | None]]) -> bool:
    now = time.monotonic()
    local = _local.get(answer_key)
    if local is not None and local[0] > now:
        return local[1]
    answer = _shared(generations=generations, answer_key=answer_key, compute=compute)
    if settings.PERMISSION_LOCAL_SECONDS > 0:
        if len(_local) >= _LOCAL_MAX:
            _local.clear()
        _local[answer_key] = (now + settings.PERMISSION_LOCAL_SECONDS, answer)
    return answer


def _shared(*, generations: list[str], answer_key: str,
            compute: Callable[[], tuple[bool, float | None]]) -> bool:
    cache = permission_cache()
    try:
        found = cache.get_many([*generations, answer_key])
        stamp = tuple(_generation(cache, key, found) for key in generations)
    except CACHE_ERRORS as exc:
        log.warning("permission cache unavailable (%s); answering from the database", exc)
        return compute()[0]
    cached = found.get(answer_key)
    if cached is not None and tuple(cached[:-1]) == stamp:
        return cached[-1]
    answer, seconds_valid = compute()
    ttl = settings.PERMISSION_CACHE_SECONDS
    if seconds_valid is not None:
        ttl = min(ttl, int(seconds_valid))
    if ttl >= 1:
        try:
            cache.set(answer_key, (*stamp, answer), ttl)
        except CACHE_ERRORS as exc:
            log.warning("permission cache unavailable (%s); the answer is not kept", exc)
    return answer


def _generation(cache, key: str, found: dict) -> int:
    if key in found:
        return found[key]
    # A generation never seen (or evicted) starts at the clock, never at a value an old answer carries.
    cache.add(key, time.time_ns(), timeout=None)
    return cache.get(key)


def _submission_answer(user, submission: Submission) -> bool:
    # A submission's images: its organisation's contributors and the data stewards.
    return user.has_role(Role.DATA_STEWARD) or can_submit_for(user, submission.organisation)


def _dataset_answer(user, dataset: Dataset, version: DatasetVersion, now: datetime) -> tuple[bool, float | None]:
    """The answer, and for how many seconds it holds at most (None: until something is written).

    Data stewards and the dataset organisation's data managers see every version, withdrawn and
    indirect-access ones included: they curate and answer for them. Anybody else needs an active
    entitlement, to a dataset not withdrawn and with direct access, while not blacklisted for it,
    and, if its catalogue item asks for one, a bona fide researcher status.
    """
    if user.has_role(Role.DATA_STEWARD) or may_manage_dataset(user, dataset):
        return True, None
    if dataset.status == DatasetStatus.WITHDRAWN or version.access_type == AccessType.INDIRECT:
        return False, None
    if Blacklist.objects.filter(user=user, dataset=dataset).exists():
        return False, None
    if (CatalogueItem.objects.filter(dataset=dataset, ended_at__isnull=True, requires_bona_fide=True).exists()
            and not is_bona_fide(user)):
        return False, None
    entitlement = (entitlements_active(user=user, now=now).filter(dataset=dataset)
                   .order_by(F("end").desc(nulls_first=True)).first())
    if entitlement is None:
        starts = (Entitlement.objects.filter(user=user, dataset=dataset, revoked_at__isnull=True, start__gt=now)
                  .aggregate(next=Min("start"))["next"])
        return False, None if starts is None else (starts - now).total_seconds()
    return True, None if entitlement.end is None else (entitlement.end - now).total_seconds()


def entitlements_active(*, user, now: datetime | None = None) -> QuerySet[Entitlement]:
    """The user's entitlements in force now, to datasets that are not withdrawn and that the user is
    not blacklisted for: the rows visas are issued for."""
    blacklisted = Blacklist.objects.filter(user=user).values("dataset_id")
    return (Entitlement.objects.active(now=now).filter(user=user)
            .exclude(dataset__status=DatasetStatus.WITHDRAWN).exclude(dataset_id__in=blacklisted))


def with_dac(entitlements: QuerySet[Entitlement]) -> QuerySet[Entitlement]:
    """Annotates each entitlement with the DAC (workflow) of the catalogue item it was granted through."""
    item = CatalogueItem.objects.filter(applications=OuterRef("application_id"), dataset=OuterRef("dataset_id"))
    return entitlements.annotate(workflow_id=Subquery(item.values("workflow_id")[:1]),
                                 workflow_title=Subquery(item.values("workflow__title")[:1]))


def user_entitlements(user) -> QuerySet[Entitlement]:
    """Every entitlement of `user`, newest first, with dataset, application and DAC (for "My access")."""
    return with_dac(Entitlement.objects.filter(user=user)).select_related(
        "dataset", "dataset__latest_version", "application").order_by("-start")


def user_entitlements_by_phase(user, *, now: datetime | None = None) -> dict[str, list[Entitlement]]:
    """The user's entitlements as "current", "upcoming" (not started) and "ended" (ended or revoked)."""
    now = now or timezone.now()
    phases: dict[str, list[Entitlement]] = {"current": [], "upcoming": [], "ended": []}
    for entitlement in user_entitlements(user):
        if entitlement.revoked_at is not None or (entitlement.end is not None and entitlement.end <= now):
            phases["ended"].append(entitlement)
        else:
            phases["upcoming" if entitlement.start > now else "current"].append(entitlement)
    return phases
