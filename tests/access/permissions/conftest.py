"""Fixtures for the permission function, visas and reports: a published dataset and entitled users."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.utils import timezone

from access.models import Application, ApplicationMember, ApplicationState, LicenseAcceptance
from access.selectors.applications import application_license_versions
from access.services.entitlements import entitlements_recompute
from tests.access.applications.factories import CatalogueItemFactory, license_with_text
from tests.access.factories import UserFactory
from tests.repository.factories import DatasetVersionFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def version(db):
    """A released, direct-access dataset version offered through a DAC with one license."""
    version = DatasetVersionFactory()
    version.dataset.latest_version = version
    version.dataset.save(update_fields=["latest_version"])
    CatalogueItemFactory(dataset=version.dataset, licenses=[license_with_text("Research use only.")])
    return version


def approve(dataset, applicant, *, members=(), accept=True, end=None) -> Application:
    """An approved application for `dataset`, its licenses accepted, and its entitlements recomputed."""
    item = dataset.catalogue_items.get(ended_at__isnull=True)
    application = Application.objects.create(applicant=applicant, state=ApplicationState.APPROVED,
                                             submitted_at=timezone.now(), decided_at=timezone.now(),
                                             entitlement_end=end)
    application.catalogue_items.add(item)
    for member in members:
        ApplicationMember.objects.create(application=application, user=member)
    if accept:
        for user in (applicant, *members):
            for license_version in application_license_versions(application):
                LicenseAcceptance.objects.create(user=user, license_version=license_version,
                                                 application=application)
    entitlements_recompute(application=application)
    return application


@pytest.fixture
def researcher(version):
    user = UserFactory()
    approve(version.dataset, user)
    return user
