"""Ingestion tasks, one module per area; imported here so Celery's autodiscovery finds them."""

from ingestion.tasks import pipeline, review, tickets, uploads  # noqa: F401
