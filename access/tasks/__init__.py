"""Celery tasks of access, one module per area (thin wrappers around services)."""

# groups
import access.tasks.groups  # noqa: F401

# applications

# entitlements
