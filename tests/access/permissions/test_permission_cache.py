"""The permission cache: answers come from it, and revocation and expiry still take effect in time."""

import time
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from access.models import Entitlement
from access.selectors import can_access_pixels
from access.selectors import permissions as permission_selectors
from access.selectors.permissions import user_generation_key
from repository.models import Dataset, DatasetVersion
from tests.access.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _shared_cache_only(settings):
    # These tests are about the shared cache and its generations, as other processes see them; the
    # per-process memory in front of it is tested in tests/accesslayer/tiles/test_recent_principals.py.
    settings.PERMISSION_LOCAL_SECONDS = 0


def _revoke(user) -> None:
    entitlement = Entitlement.objects.get(user=user)
    entitlement.revoked_at = entitlement.end = timezone.now()
    entitlement.save(update_fields=["revoked_at", "end"])


def _in_process(monkeypatch, alias: str) -> None:
    """Make this test behave like a process whose cache client is `alias`."""
    monkeypatch.setattr(permission_selectors, "CACHE_ALIAS", alias)


def test_a_cached_answer_needs_no_query(researcher, version, django_assert_num_queries):
    stranger = UserFactory()
    assert can_access_pixels(researcher, version)
    assert not can_access_pixels(stranger, version)
    # As a request would have them: rows loaded afresh, their related rows not.
    fresh_version, fresh_dataset = DatasetVersion.objects.get(pk=version.pk), Dataset.objects.get(pk=version.dataset_id)
    with django_assert_num_queries(0):
        assert can_access_pixels(researcher, fresh_version)
        assert can_access_pixels(researcher, fresh_dataset)
        assert not can_access_pixels(stranger, fresh_version)


def test_a_revoke_is_seen_at_once_in_the_same_process(researcher, version):
    assert can_access_pixels(researcher, version)
    _revoke(researcher)
    assert not can_access_pixels(researcher, version)


@pytest.mark.redis
def test_a_revoke_is_seen_at_once_by_another_client_of_a_shared_redis(researcher, version, settings, monkeypatch):
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.CELERY_BROKER_URL}
    settings.CACHES = {"default": redis, "other": dict(redis)}
    caches["default"].clear()
    _in_process(monkeypatch, "other")
    assert can_access_pixels(researcher, version)
    _in_process(monkeypatch, "default")
    _revoke(researcher)
    _in_process(monkeypatch, "other")
    assert not can_access_pixels(researcher, version)
    caches["default"].clear()


def test_a_process_with_its_own_cache_sees_a_revoke_within_the_ttl(researcher, version, settings, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "a"},
                       "other": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "b"}}
    settings.PERMISSION_CACHE_SECONDS = 1
    _in_process(monkeypatch, "other")
    assert can_access_pixels(researcher, version)
    _in_process(monkeypatch, "default")
    _revoke(researcher)
    _in_process(monkeypatch, "other")
    assert can_access_pixels(researcher, version)  # its cache did not hear of the revoke
    time.sleep(1.1)
    assert not can_access_pixels(researcher, version)


def test_an_answer_is_not_cached_past_the_end_of_its_entitlement(researcher, version, settings):
    settings.PERMISSION_CACHE_SECONDS = 60
    Entitlement.objects.filter(user=researcher).update(end=timezone.now() + timedelta(seconds=2))
    assert can_access_pixels(researcher, version)
    time.sleep(2.1)
    assert not can_access_pixels(researcher, version)


def test_an_evicted_generation_never_revives_an_old_answer(researcher, version):
    assert can_access_pixels(researcher, version)
    # A write that sends no signal, and the user's generation lost from the cache.
    Entitlement.objects.filter(user=researcher).update(revoked_at=timezone.now(), end=F("start"))
    caches["default"].delete(user_generation_key(researcher.pk))
    assert not can_access_pixels(researcher, version)


def test_a_cache_that_is_down_costs_speed_not_answers_or_writes(researcher, version):
    down = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    with override_settings(CACHES=down):
        assert can_access_pixels(researcher, version)
        _revoke(researcher)  # the signal's bump fails; the save does not
        assert not can_access_pixels(researcher, version)
