"""Pixel reads remember who a session or token stood for, and recent permission answers, for a moment:
a tile then costs no session, user or permission query, and what other processes write still takes
effect within those seconds (writes in this process at once)."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.utils import timezone

from access.models import ApiToken, Entitlement
from access.selectors.permissions import user_generation_key
from access.services import token_create, token_revoke

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _tile(image, col=0):
    return f"/images/{image.accession}/slide_files/11/{col}_0.jpeg"


@pytest.fixture
def viewer_client(client, entitled_user):
    client.force_login(entitled_user)
    return client


def test_a_remembered_tile_request_asks_the_database_only_for_its_audit(
        settings, viewer_client, wsi_image, django_assert_num_queries):
    settings.PRINCIPAL_MEMO_SECONDS = 10
    settings.PERMISSION_LOCAL_SECONDS = 10
    assert viewer_client.get(_tile(wsi_image, 0)).status_code == 200
    with django_assert_num_queries(1):  # the audit session's UPDATE (PIXEL_AUDIT_FLUSH_SECONDS is 0 here)
        assert viewer_client.get(_tile(wsi_image, 1)).status_code == 200


def test_logging_out_ends_the_remembered_session_at_once(settings, viewer_client, wsi_image):
    settings.PRINCIPAL_MEMO_SECONDS = 10
    assert viewer_client.get(_tile(wsi_image)).status_code == 200
    viewer_client.logout()
    assert viewer_client.get(_tile(wsi_image)).status_code == 403


def test_a_session_ended_elsewhere_is_forgotten_within_the_bound(settings, viewer_client, wsi_image):
    settings.PRINCIPAL_MEMO_SECONDS = 1
    assert viewer_client.get(_tile(wsi_image)).status_code == 200
    # Another process ends the session without a signal reaching this one.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert viewer_client.get(_tile(wsi_image)).status_code == 200  # still remembered
    time.sleep(1.1)
    assert viewer_client.get(_tile(wsi_image)).status_code == 403
    # Pages other than pixel reads never use the memory.
    assert viewer_client.get("/account/").status_code == 302


def test_a_revoked_token_is_refused_at_once_and_a_remembered_one_within_the_bound(settings, entitled_user,
                                                                                   client, wsi_image):
    settings.PRINCIPAL_MEMO_SECONDS = 1
    _, plaintext = token_create(user=entitled_user, name="memo test", days=7)
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert client.get("/dicomweb/studies", headers=headers).status_code == 200
    token_revoke(token=ApiToken.objects.get(user=entitled_user))  # in this process: forgotten at once
    refused = client.get("/dicomweb/studies", headers=headers)
    assert refused.status_code == 401 and b"revoked" in refused.content

    _, second = token_create(user=entitled_user, name="memo test 2", days=7)
    headers = {"Authorization": f"Bearer {second}"}
    assert client.get("/dicomweb/studies", headers=headers).status_code == 200
    ApiToken.objects.filter(name="memo test 2").update(revoked_at=timezone.now())  # elsewhere, no signal
    assert client.get("/dicomweb/studies", headers=headers).status_code == 200
    time.sleep(1.1)
    assert client.get("/dicomweb/studies", headers=headers).status_code == 401


def test_a_permission_answer_changed_by_another_process_holds_here_within_the_bound(
        settings, viewer_client, entitled_user, wsi_image):
    settings.PERMISSION_LOCAL_SECONDS = 1
    assert viewer_client.get(_tile(wsi_image)).status_code == 200
    # Another process revokes: its rows and a bumped generation in the shared cache, no signal here.
    Entitlement.objects.filter(user=entitled_user).update(revoked_at=timezone.now())
    caches["default"].incr(user_generation_key(entitled_user.pk))
    assert viewer_client.get(_tile(wsi_image)).status_code == 200  # this process's recent answer
    time.sleep(1.1)
    assert viewer_client.get(_tile(wsi_image)).status_code == 403
