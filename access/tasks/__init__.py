"""Celery tasks of access, one module per area (thin wrappers around services)."""

# applications, groups
import access.tasks.applications  # noqa: F401
import access.tasks.groups  # noqa: F401

# entitlements

# access layer: DICOMweb
# isort: split
import access.tasks.dicomweb  # noqa: F401
