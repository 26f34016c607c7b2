"""Ingestion tasks: tickets.

Ticket mail goes through the outbox; importing its task here registers it with
the worker (Celery autodiscovers `<app>.tasks`, and `bigpicture.outbox` is not one).
"""

from bigpicture.outbox import outbox_deliver  # noqa: F401
