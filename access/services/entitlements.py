"""Writes for entitlements: kept in step with applications, and the blacklist."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from access.models import Application, ApplicationState, Blacklist, Entitlement, LicenseAcceptance, User
from access.selectors.applications import application_datasets, application_license_versions
from governance.services import audit_record


def application_users(application: Application) -> list[User]:
    """The applicant and the members: everyone an approved application entitles."""
    members = [member.user for member in application.members.select_related("user")]
    return [application.applicant, *[user for user in members if user.pk != application.applicant_id]]


@transaction.atomic
def entitlements_recompute(*, application: Application, actor: User | None = None, revoke: bool = False,
                           now=None) -> dict[str, int]:
    """Make the Entitlement rows match `application`; returns counts of rows started and ended.

    Approved: one active row per (user, dataset) for the applicant and each member who has accepted every
    current license version that applies and is not blacklisted for the dataset. Any other active row of
    this application ends now (`revoke`: marked revoked by `actor`).
    """
    now = now or timezone.now()
    wanted: set[tuple[int, int]] = set()
    in_force = application.state == ApplicationState.APPROVED and (
        application.entitlement_end is None or application.entitlement_end > now)
    if in_force:
        versions = {version.pk for version in application_license_versions(application)}
        datasets = list(application_datasets(application).values_list("pk", flat=True))
        for user in application_users(application):
            accepted = set(LicenseAcceptance.objects.filter(user=user, license_version__in=versions)
                           .values_list("license_version_id", flat=True))
            if accepted != versions or not user.is_active:
                continue
            barred = set(Blacklist.objects.filter(user=user, dataset__in=datasets).values_list("dataset_id", flat=True))
            wanted.update((user.pk, dataset) for dataset in datasets if dataset not in barred)
    active = {(row.user_id, row.dataset_id): row
              for row in Entitlement.objects.select_for_update().filter(application=application).active(now=now)}
    counts = {"started": 0, "ended": 0}
    for key, row in active.items():
        if key in wanted:
            continue
        row.end = now
        if revoke:
            row.revoked_at, row.revoked_by = now, actor
        row.save(update_fields=["end", "revoked_at", "revoked_by"])
        audit_record(actor=actor, action="entitlement.revoke" if revoke else "entitlement.end", target=row,
                     detail={"user": row.user_id, "dataset": row.dataset_id, "application": application.pk})
        counts["ended"] += 1
    approver = _approver(application)
    for user_id, dataset_id in sorted(wanted - active.keys()):
        row = Entitlement.objects.create(dataset_id=dataset_id, application=application, user_id=user_id, start=now,
                                         end=application.entitlement_end, approved_by=approver)
        audit_record(actor=actor, action="entitlement.start", target=row,
                     detail={"user": user_id, "dataset": dataset_id, "application": application.pk,
                             "end": application.entitlement_end})
        counts["started"] += 1
    return counts


def _approver(application: Application) -> User | None:
    event = application.events.filter(type="approve").order_by("-seq").select_related("actor").first()
    return event.actor if event else None


@transaction.atomic
def blacklist_add(*, user: User, dataset, application: Application | None = None, actor: User | None = None,
                  reason: str = "") -> Blacklist:
    entry, created = Blacklist.objects.get_or_create(
        user=user, dataset=dataset, defaults={"application": application, "added_by": actor, "reason": reason})
    if created:
        audit_record(actor=actor, action="blacklist.add", target=entry,
                     detail={"user": user.username, "dataset": dataset.accession, "reason": reason})
    return entry


@transaction.atomic
def blacklist_remove(*, entry: Blacklist, actor: User | None = None) -> None:
    audit_record(actor=actor, action="blacklist.remove", target=entry,
                 detail={"user": entry.user.username, "dataset": entry.dataset.accession})
    entry.delete()
