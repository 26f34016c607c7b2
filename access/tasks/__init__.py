"""Celery tasks of access, one module per area (thin wrappers around services)."""

# groups

# applications
import access.tasks.applications  # noqa: F401

# entitlements
