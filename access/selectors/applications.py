"""Reads about catalogue items, licenses, applications and entitlements."""

from __future__ import annotations

from django.db.models import Max, Q, QuerySet

from access.models import (
    Application,
    ApplicationState,
    CatalogueItem,
    License,
    LicenseAcceptance,
    LicenseVersion,
)
from access.models.applications import OPEN_STATES
from repository.models import Dataset


def application_licenses(application: Application) -> QuerySet[License]:
    """Every license that applies: the workflows', the catalogue items' and those a handler added."""
    items = application.catalogue_items.all()
    return License.objects.filter(
        Q(workflows__catalogue_items__in=items) | Q(catalogue_items__in=items) | Q(applications=application)
    ).distinct()


def license_current_versions(licenses) -> QuerySet[LicenseVersion]:
    """The latest version of each of `licenses` (a license with no version yet has none)."""
    latest = (LicenseVersion.objects.filter(license__in=licenses).values("license")
              .annotate(top=Max("number")).values_list("license", "top"))
    pairs = Q(pk__in=[])
    for license_id, number in latest:
        pairs |= Q(license_id=license_id, number=number)
    return LicenseVersion.objects.filter(pairs).select_related("license").order_by("license__title")


def application_license_versions(application: Application) -> QuerySet[LicenseVersion]:
    """The current version of every license that applies to `application`."""
    return license_current_versions(application_licenses(application))


def user_unaccepted_versions(user, application: Application) -> list[LicenseVersion]:
    versions = list(application_license_versions(application))
    accepted = set(LicenseAcceptance.objects.filter(user=user, license_version__in=versions)
                   .values_list("license_version_id", flat=True))
    return [version for version in versions if version.pk not in accepted]


def application_datasets(application: Application) -> QuerySet[Dataset]:
    return Dataset.objects.filter(catalogue_items__applications=application).distinct()


def applications_applying_license(license: License) -> QuerySet[Application]:
    """Approved applications a license applies to (for recomputing entitlements on a new version)."""
    return Application.objects.filter(
        Q(catalogue_items__workflow__licenses=license) | Q(catalogue_items__licenses=license)
        | Q(added_licenses=license), state=ApplicationState.APPROVED).distinct()


def catalogue_item_enabled(dataset) -> CatalogueItem | None:
    return CatalogueItem.objects.filter(dataset=dataset, ended_at__isnull=True).select_related(
        "workflow", "form").first()


def open_application_for(user, dataset, *, exclude: Application | None = None) -> Application | None:
    """The user's open application (as applicant or member) covering `dataset`, if any (REMS #3124)."""
    found = Application.objects.filter(Q(applicant=user) | Q(members__user=user), state__in=OPEN_STATES,
                                       catalogue_items__dataset=dataset)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.distinct().order_by("-created").first()
