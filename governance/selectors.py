"""Reads for governance: the audit trail, its verification state, and agreements."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from access.selectors import organisation_signatories
from governance.models import (
    Agreement,
    AgreementKind,
    AgreementVersion,
    AuditEvent,
    AuditVerification,
    Signature,
)


def audit_events_for(*, target_type: str, target_id: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=target_type, target_id=str(target_id))


def audit_verification_latest() -> AuditVerification | None:
    return AuditVerification.objects.order_by("-checked_at").first()


def agreement_current_version(agreement: Agreement, at=None) -> AgreementVersion | None:
    """The version in force: the latest whose effective_from has come."""
    at = at or timezone.now()
    return agreement.versions.filter(effective_from__lte=at).order_by("-effective_from", "-pk").first()


def dsa_agreement() -> Agreement | None:
    return Agreement.objects.filter(kind=AgreementKind.DSA).first()


def signature_valid(*, organisation, version: AgreementVersion, at=None) -> Signature | None:
    return Signature.objects.valid(at).filter(organisation=organisation, agreement_version=version).first()


def dsa_missing(organisation) -> str | None:
    """None when `organisation` holds a valid signature of the current DSA version; else what is missing.

    The DSA is signed per organisation: a clinical site signs for itself, its node's
    signature does not cover it.
    """
    agreement = dsa_agreement()
    if agreement is None:
        return ("No Data Sharing Agreement has been published in the portal yet, and submissions need one: "
                "a data steward must publish it first.")
    now = timezone.now()
    version = agreement_current_version(agreement, now)
    if version is None:
        upcoming = agreement.versions.order_by("effective_from").first()
        when = f" (version {upcoming.label} takes effect on {upcoming.effective_from:%Y-%m-%d})" if upcoming else ""
        return (f"The {agreement.title} has no version in effect yet{when}, and submissions need one: "
                "a data steward must publish it.")
    if signature_valid(organisation=organisation, version=version, at=now):
        return None
    return (f"{organisation.name} has not signed the {agreement.title}, version {version.label}"
            f"{_why(organisation, agreement, version, now)}. Submissions for {organisation.name} need it. "
            f"{_who_signs(organisation)}")


def _why(organisation, agreement: Agreement, version: AgreementVersion, now) -> str:
    """What became of the organisation's last signature of this agreement, if any."""
    last = (Signature.objects.filter(organisation=organisation, agreement_version__agreement=agreement)
            .select_related("agreement_version").order_by("-signed_at").first())
    if last is None:
        return ""
    if last.agreement_version_id != version.pk:
        return f" (its signature covers version {last.agreement_version.label}, which version {version.label} " \
               "superseded)"
    if last.revoked_at is not None and last.revoked_at <= now:
        return f" (its signature was revoked on {timezone.localtime(last.revoked_at):%Y-%m-%d})"
    if last.valid_until is not None and last.valid_until <= now:
        return f" (its signature expired on {timezone.localtime(last.valid_until):%Y-%m-%d})"
    return ""


def _who_signs(organisation) -> str:
    people = [f"{user.get_full_name() or user.get_username()} <{user.email}>" if user.email
              else user.get_full_name() or user.get_username() for user in organisation_signatories(organisation)]
    if not people:
        return (f"{organisation.name} has no signatory registered in the portal: a data steward can record a "
                "signed copy.")
    return (f"It can be signed by {organisation.name}'s signatory: {', '.join(people)}; a data steward then "
            "records the signed copy.")
