"""Mail about groups, queued in the outbox inside the caller's transaction.

Templates: templates/access/mail/groups_<name>.subject.txt and groups_<name>.txt.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from bigpicture.outbox import mail_enqueue


def portal_link(path: str) -> str:
    return f"{settings.EMAIL_LINK_BASE_URL.rstrip('/')}{path}"


def group_mail(name: str, *, to: list[str], context: dict, dedupe_key: str | None = None):
    """Queue mail `name`; the outbox message, or None when it is a duplicate or has no recipient."""
    context = {"portal": settings.PORTAL_NAME, "groups_link": portal_link(reverse("access:groups")), **context}
    subject = render_to_string(f"access/mail/groups_{name}.subject.txt", context)
    body = render_to_string(f"access/mail/groups_{name}.txt", context)
    return mail_enqueue(to=to, subject=f"[{settings.PORTAL_NAME}] {subject}", body=body, dedupe_key=dedupe_key)
