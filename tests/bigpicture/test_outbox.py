"""The mail outbox: only committed mail is sent, failures back off and give up, nothing is sent twice."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from bigpicture.models import OutboxMessage, OutboxState
from bigpicture.outbox import mail_enqueue, outbox_deliver, outbox_deliver_due
from tests.servicekit.smtp import smtp_server

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def smtp(settings):
    with smtp_server() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 10
        settings.EMAIL_OUTBOX_BACKOFF_SECONDS = 60
        settings.EMAIL_OUTBOX_MAX_ATTEMPTS = 3
        yield server


@pytest.mark.django_db(transaction=True)
def test_mail_of_a_rolled_back_transaction_is_never_sent(smtp):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            mail_enqueue(to=["carla@example.org"], subject="Submitted", body="...")
            raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()
    assert outbox_deliver_due() == {"sent": 0, "retried": 0, "failed": 0}
    assert smtp.messages == []


@pytest.mark.django_db
def test_committed_mail_is_sent_by_smtp(smtp):
    message = mail_enqueue(to=["carla@example.org", " ", "carla@example.org"], subject="Submitted\nnow",
                           body="Your submission was received.")
    assert message.to == ["carla@example.org"] and message.subject == "Submitted now"
    assert outbox_deliver_due() == {"sent": 1, "retried": 0, "failed": 0}
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (OutboxState.SENT, 1, "")
    assert message.sent_at is not None
    [(_, recipients, data)] = smtp.messages
    assert recipients == ["carla@example.org"] and b"Your submission was received." in data
    assert outbox_deliver_due() == {"sent": 0, "retried": 0, "failed": 0}  # sent once


@pytest.mark.django_db
def test_duplicate_dedupe_key_is_ignored(smtp):
    assert mail_enqueue(to=["a@example.org"], subject="s", body="b", dedupe_key="event-1") is not None
    assert mail_enqueue(to=["a@example.org"], subject="s", body="b", dedupe_key="event-1") is None
    assert mail_enqueue(to=[""], subject="s", body="b") is None
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_smtp_failure_is_retried_with_backoff_then_marked_failed(smtp):
    smtp.refuse = True
    message = mail_enqueue(to=["carla@example.org"], subject="Returned", body="Fix policy.xml")
    start = timezone.now()

    assert outbox_deliver_due(now=start) == {"sent": 0, "retried": 1, "failed": 0}
    message.refresh_from_db()
    assert message.attempts == 1 and message.state == OutboxState.PENDING
    assert "451" in message.last_error and "try again later" in message.last_error
    assert message.next_attempt_at == start + timedelta(seconds=60)

    assert outbox_deliver_due(now=start + timedelta(seconds=59)) == {"sent": 0, "retried": 0, "failed": 0}
    second = start + timedelta(seconds=60)
    assert outbox_deliver_due(now=second)["retried"] == 1
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at == second + timedelta(seconds=120)

    assert outbox_deliver_due(now=second + timedelta(seconds=120)) == {"sent": 0, "retried": 0, "failed": 1}
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxState.FAILED, 3)
    assert "451" in message.last_error
    smtp.refuse = False
    assert outbox_deliver_due(now=second + timedelta(days=1))["sent"] == 0  # failed stays failed
    assert smtp.messages == []


@pytest.mark.django_db
def test_a_retry_after_the_server_recovers_delivers(smtp):
    smtp.refuse = True
    message = mail_enqueue(to=["carla@example.org"], subject="Published", body="It is live")
    outbox_deliver_due()
    smtp.refuse = False
    assert outbox_deliver_due(now=timezone.now() + timedelta(minutes=2))["sent"] == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxState.SENT, 2)
    assert len(smtp.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_two_deliverers_never_send_one_message_twice(smtp):
    with transaction.atomic():
        mail_enqueue(to=["carla@example.org"], subject="Once", body="only once")
    smtp.gate.clear()  # the first sender stops inside SMTP DATA, holding the row lock
    results = {}

    def first():
        try:
            results["first"] = outbox_deliver_due()
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert smtp.arrived.wait(timeout=30)
    results["second"] = outbox_deliver_due()  # skips the locked row
    smtp.gate.set()
    thread.join(timeout=30)
    assert results == {"first": {"sent": 1, "retried": 0, "failed": 0},
                       "second": {"sent": 0, "retried": 0, "failed": 0}}
    assert len(smtp.messages) == 1


@pytest.mark.worker
@pytest.mark.redis
def test_a_real_worker_delivers_committed_mail_once(smtp, celery_worker):
    worker = celery_worker(EMAIL_BACKEND="smtp", EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp.port))
    with transaction.atomic():
        message = mail_enqueue(to=["stella@example.org"], subject="Awaiting review", body="Ticket #1")
    outbox_deliver.apply_async()  # a second delivery run, as beat would start one
    deadline = time.monotonic() + 60
    while OutboxMessage.objects.get(pk=message.pk).state != OutboxState.SENT:
        assert time.monotonic() < deadline, worker.log()
        time.sleep(0.2)
    outbox_deliver.apply_async().get(timeout=60)
    assert [recipients for _, recipients, _ in smtp.messages] == [["stella@example.org"]], worker.log()
