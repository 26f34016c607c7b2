"""Reads about catalogue items, licenses, applications and entitlements."""

from __future__ import annotations

import difflib

from django.conf import settings
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from access.models import (
    Application,
    ApplicationState,
    CatalogueItem,
    License,
    LicenseAcceptance,
    LicenseVersion,
)
from access.models.applications import OPEN_STATES
from access.roles import Role
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


def license_diff(user, version: LicenseVersion) -> tuple[LicenseVersion | None, list[tuple[str, str]]]:
    """What changed since the version of the same license `user` last accepted (REMS #1591):
    that version and the unified-diff lines as (kind, text), kind one of add, remove, context, hunk."""
    accepted = (LicenseVersion.objects.filter(license_id=version.license_id, acceptances__user=user,
                                              number__lt=version.number).order_by("-number").first())
    if accepted is None:
        return None, []
    lines = []
    for line in difflib.unified_diff(accepted.text.splitlines(), version.text.splitlines(),
                                     fromfile=f"version {accepted.number}", tofile=f"version {version.number}",
                                     lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "remove", "@": "hunk"}.get(line[:1], "context")
        lines.append((kind, line))
    if accepted.url != version.url:
        lines.append(("add", f"+ link: {version.url}"))
    if accepted.attachment.name != version.attachment.name:
        lines.append(("add", "+ a new attachment"))
    return accepted, lines


def user_applications(user) -> QuerySet[Application]:
    """The applications `user` is the applicant or a member of."""
    return (Application.objects.filter(Q(applicant=user) | Q(members__user=user)).distinct()
            .prefetch_related("catalogue_items__dataset").order_by("-created"))


def handler_queue(user, *, state: str = "", mine: bool = False, unassigned: bool = False) -> QuerySet[Application]:
    """Applications the user handles, decides or was asked to review (data stewards, as reporters: all),
    oldest submission first; drafts are the applicant's own. `state` empty: every state but draft."""
    found = Application.objects.exclude(state=ApplicationState.DRAFT)
    if not (user.is_superuser or user.has_role(Role.DATA_STEWARD)):
        found = found.filter(Q(catalogue_items__workflow__handlers=user) | Q(catalogue_items__workflow__deciders=user)
                             | Q(reviewers__user=user))
    if state:
        found = found.filter(state=state)
    if mine:
        found = found.filter(assignee=user)
    if unassigned:
        found = found.filter(assignee__isnull=True)
    return (found.distinct().select_related("applicant", "assignee")
            .prefetch_related("catalogue_items__dataset", "catalogue_items__workflow")
            .order_by(F("submitted_at").asc(nulls_last=True), "pk"))


def sla_age_days(application: Application, *, now=None) -> int | None:
    """Days since the last submission, while a decision is awaited (the SLA age in the queue)."""
    if application.state != ApplicationState.SUBMITTED or application.submitted_at is None:
        return None
    return ((now or timezone.now()) - application.submitted_at).days


def sla_overdue(application: Application, *, now=None) -> bool:
    age = sla_age_days(application, now=now)
    return age is not None and age >= settings.APPLICATIONS_SLA_DAYS

