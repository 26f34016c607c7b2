"""The mail outbox: mail is a row written in the caller's transaction, sent by a task after commit.

A rolled-back change leaves no row, so no mail tells about it. `outbox_deliver`
(dispatched on commit, and on beat every minute) sends due messages with
django.core.mail. A failed send is tried again after an exponential backoff
(`EMAIL_OUTBOX_BACKOFF_SECONDS` * 2^(attempts-1), at most an hour) until
`EMAIL_OUTBOX_MAX_ATTEMPTS`, then the message is `failed` with its last error.
Each message is locked with skip_locked while it is sent, so two workers never
send one message twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from bigpicture.models import OutboxMessage, OutboxState
from bigpicture.tasks import portal_task

logger = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 3600


def mail_enqueue(*, to: Iterable[str], subject: str, body: str, dedupe_key: str | None = None
                 ) -> OutboxMessage | None:
    """Queue one mail in the current transaction; None when there is nobody to send it to or it is a duplicate."""
    recipients = sorted({address.strip() for address in to if address and address.strip()})
    if not recipients:
        return None
    if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    message = OutboxMessage(to=recipients, subject=" ".join(subject.split())[:255], body=body,
                            next_attempt_at=timezone.now(), dedupe_key=dedupe_key or None)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:  # the same dedupe_key, enqueued concurrently
        return None
    outbox_deliver.dispatch()
    return message


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try."""
    seconds = settings.EMAIL_OUTBOX_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, MAX_BACKOFF_SECONDS))


def outbox_deliver_due(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Send the pending messages that are due; returns counts of sent, retried and failed."""
    now = now or timezone.now()
    counts = {"sent": 0, "retried": 0, "failed": 0}
    due = OutboxMessage.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=now)
    for pk in list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]):
        outcome = _deliver_one(pk, now)
        if outcome:
            counts[outcome] += 1
    return counts


def _deliver_one(pk: int, now: datetime) -> str | None:
    with transaction.atomic():
        message = (OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(pk=pk, state=OutboxState.PENDING, next_attempt_at__lte=now).first())
        if message is None:
            return None  # another worker has it, or sent it already
        message.attempts += 1
        try:
            with get_connection(fail_silently=False) as connection:
                EmailMessage(subject=message.subject, body=message.body, to=message.to,
                             from_email=settings.DEFAULT_FROM_EMAIL, connection=connection).send()
        except Exception as exc:  # any failure of the mail server or the network is worth a retry
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= settings.EMAIL_OUTBOX_MAX_ATTEMPTS:
                message.state = OutboxState.FAILED
                logger.error("outbox: giving up on message %s to %s after %d attempts: %s", message.pk,
                             message.to, message.attempts, message.last_error)
            else:
                message.next_attempt_at = now + retry_delay(message.attempts)
            message.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
            return "failed" if message.state == OutboxState.FAILED else "retried"
        message.state = OutboxState.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "last_error", "state", "sent_at"])
        return "sent"


@portal_task(queue="default")
def outbox_deliver() -> dict[str, int]:
    """Send due outbox mail (dispatched on commit by mail_enqueue, and every minute on beat)."""
    return outbox_deliver_due()
