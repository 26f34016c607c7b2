"""Agreements and signatures made through the services, as a steward would."""

from __future__ import annotations

import io
from datetime import timedelta

from django.utils import timezone

from access.models import User
from access.roles import MembershipRole, Role
from access.services import membership_grant, user_create
from governance.models import Agreement, AgreementKind
from governance.selectors import agreement_current_version, dsa_agreement
from governance.services.agreements import agreement_create, agreement_version_publish, signature_record

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_file(data: bytes = PDF) -> io.BytesIO:
    return io.BytesIO(data)


def steward(username: str = "steward"):
    existing = User.objects.filter(username=username).first()
    return existing or user_create(username=username, email=f"{username}@example.org", password=None,
                       roles=(Role.DATA_STEWARD,))


def dsa(label: str = "1.0", *, effective_from=None, actor=None):
    """The portal's DSA (created on first use) with a new version `label` in force now (or from `effective_from`)."""
    agreement = Agreement.objects.filter(kind=AgreementKind.DSA).first() or agreement_create(
        kind=AgreementKind.DSA, title="Bigpicture Data Sharing Agreement", slug="bigpicture-dsa", actor=actor)
    return agreement_version_publish(agreement=agreement, label=label, text=f"The terms, version {label}.",
                                     effective_from=effective_from or timezone.now() - timedelta(seconds=1),
                                     actor=actor)


def signatory(organisation, username: str | None = None, **names):
    username = username or f"signatory-{organisation.slug}"
    user = user_create(username=username, email=f"{username}@example.org", password=None,
                       organisation=organisation, **names)
    membership_grant(user=user, organisation=organisation, role=MembershipRole.SIGNATORY)
    return user


def dsa_signed(organisation, version=None, **fields):
    """`organisation` signs the current DSA (version 1.0 is published if none is in force)."""
    current = agreement_current_version(dsa_agreement()) if dsa_agreement() else None
    version = version or current or dsa()
    signer = organisation.memberships.filter(role=MembershipRole.SIGNATORY).first()
    return signature_record(agreement_version=version, organisation=organisation,
                            signed_by=signer.user if signer else signatory(organisation),
                            signed_pdf=pdf_file(), recorded_by=steward(f"steward-{organisation.slug}"), **fields)
