"""Writes for agreements: create one, publish a version, record and revoke signatures (all audited).

PDFs go to the `default` storage through `bigpicture.staging`, so a refused or rolled-back
write leaves no file behind.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone

from access.models import Membership, Organisation, User
from access.roles import MembershipRole, Role
from bigpicture.errors import UserError
from bigpicture.staging import object_stage, staged_atomic
from governance.models import Agreement, AgreementVersion, Signature
from governance.selectors import agreement_current_version
from governance.services.audit import audit_record

PDF_MAGIC = b"%PDF-"
PDF_MAX_BYTES = 20 * 1024 * 1024
STORAGE_AREA = "default"


@transaction.atomic
def agreement_create(*, kind: str, title: str, slug: str, actor: User | None = None) -> Agreement:
    agreement = Agreement(kind=kind, title=title, slug=slug)
    agreement.full_clean()
    agreement.save()
    audit_record(actor=actor, action="agreement.create", target=agreement, detail={"kind": kind})
    return agreement


def agreement_version_publish(*, agreement: Agreement, label: str, text: str = "", pdf: BinaryIO | None = None,
                              effective_from=None, actor: User | None = None) -> AgreementVersion:
    """Publish a new version; it supersedes the version in force when it was published.

    Its `sha256` is the PDF's when there is one, otherwise the text's.
    """
    text = text.strip()
    if not text and pdf is None:
        raise UserError(f"Version {label} of the {agreement.title} needs its text, a PDF, or both.")
    if agreement.versions.filter(label=label.strip()).exists():
        raise UserError(f"Version {label.strip()} of the {agreement.title} is published already: "
                        "give the new version another label.")
    with staged_atomic():
        version = AgreementVersion(agreement=agreement, label=label.strip(), text=text,
                                   effective_from=effective_from or timezone.now(), published_by=actor,
                                   supersedes=agreement_current_version(agreement))
        if pdf is not None:
            pdf_check(pdf, what="The agreement")
            version.pdf.name, version.sha256 = _pdf_stage(pdf, f"agreements/{agreement.slug}", what="The agreement")
        else:
            version.sha256 = hashlib.sha256(text.encode()).hexdigest()
        version.full_clean()
        version.save()
        audit_record(actor=actor, action="agreement.version_publish", target=version,
                     detail={"agreement": agreement.slug, "label": version.label, "sha256": version.sha256,
                             "effective_from": version.effective_from,
                             "supersedes": version.supersedes.label if version.supersedes else None})
    return version


def signature_record(*, agreement_version: AgreementVersion, organisation: Organisation, signed_by: User,
                     signed_pdf: BinaryIO, signed_at=None, valid_until=None,
                     recorded_by: User | None = None) -> Signature:
    """Record an organisation's signed copy of an agreement version, as a data steward."""
    if recorded_by is not None and not (recorded_by.has_role(Role.DATA_STEWARD) or recorded_by.is_superuser):
        raise UserError("Only a data steward can record a signed agreement.")
    signatory_check(user=signed_by, organisation=organisation)
    signed_at = signed_at or timezone.now()
    if valid_until is not None and valid_until <= signed_at:
        raise UserError("The signature's end of validity must come after the date it was signed.")
    pdf_check(signed_pdf, what="The signed copy")
    with staged_atomic():
        signature = Signature(agreement_version=agreement_version, organisation=organisation, signed_by=signed_by,
                              signed_at=signed_at, valid_until=valid_until, recorded_by=recorded_by)
        signature.signed_pdf.name, signature.signed_pdf_sha256 = _pdf_stage(
            signed_pdf, f"agreements/{agreement_version.agreement.slug}/signatures/{organisation.slug}",
            what="The signed copy")
        signature.full_clean()
        signature.save()
        audit_record(actor=recorded_by, action="agreement.signature_record", target=signature,
                     detail={"agreement": agreement_version.agreement.slug, "version": agreement_version.label,
                             "organisation": organisation.slug, "signed_by": signed_by.username,
                             "sha256": signature.signed_pdf_sha256})
    return signature


@transaction.atomic
def signature_revoke(*, signature: Signature, reason: str, actor: User | None = None) -> Signature:
    if not reason.strip():
        raise UserError("Say why the signature is revoked.")
    if signature.revoked_at is None:
        signature.revoked_at = timezone.now()
        signature.revoked_reason = reason.strip()
        signature.save(update_fields=["revoked_at", "revoked_reason"])
        audit_record(actor=actor, action="agreement.signature_revoke", target=signature,
                     detail={"reason": signature.revoked_reason})
    return signature


def signatory_check(*, user: User, organisation: Organisation) -> None:
    """UserError unless `user` is a signatory of `organisation` (also run by the admin's form)."""
    if not Membership.objects.filter(user=user, organisation=organisation, role=MembershipRole.SIGNATORY).exists():
        raise UserError(f"{user.get_full_name() or user.get_username()} is not a signatory of "
                        f"{organisation.name}: give them the signatory role there first.")


def pdf_check(source: BinaryIO, *, what: str) -> None:
    """UserError unless `source` starts like a PDF and, when its size is known, is at most 20 MiB."""
    size = getattr(source, "size", None)
    if size is not None and size > PDF_MAX_BYTES:
        raise UserError(f"{what} is {size / 2**20:.1f} MiB; a PDF may be at most 20 MiB.")
    source.seek(0)
    head = source.read(len(PDF_MAGIC))
    source.seek(0)
    if head != PDF_MAGIC:
        raise UserError(f"{what} is not a PDF (it does not start with %PDF-): upload the PDF itself.")


def _pdf_stage(source: BinaryIO, folder: str, *, what: str) -> tuple[str, str]:
    """Stage a checked PDF; returns (name, sha256)."""
    staged = object_stage(area=STORAGE_AREA, name=f"{folder}/{uuid.uuid4().hex}.pdf", source=source)
    if staged.size > PDF_MAX_BYTES:  # a stream without a size: the enclosing staged_atomic discards it
        raise UserError(f"{what} is {staged.size / 2**20:.1f} MiB; a PDF may be at most 20 MiB.")
    return staged.name, staged.sha256
