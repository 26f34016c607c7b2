"""Writes for licenses, workflows and catalogue items (immutable: an edit is a new item that ends the old)."""

from __future__ import annotations

import hashlib
import json

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from access.applications.mail import license_change_notify
from access.models import CatalogueItem, Form, License, LicenseVersion, Organisation, User, Workflow
from access.roles import Role
from access.selectors.applications import applications_applying_license, catalogue_item_enabled
from access.services.entitlements import entitlements_recompute
from governance.services import audit_record
from repository.models import AccessType, Policy, RemsLink


def license_content_hash(*, text: str, url: str, attachment_bytes: bytes | None) -> str:
    """SHA-256 of what the user agrees to; whitespace at line ends does not count as a change."""
    canonical = {
        "text": "\n".join(line.rstrip() for line in text.strip().splitlines()),
        "url": url.strip(),
        "attachment": hashlib.sha256(attachment_bytes).hexdigest() if attachment_bytes else "",
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def license_version_create(*, license: License, text: str = "", url: str = "",
                           attachment: UploadedFile | None = None, actor: User | None = None) -> LicenseVersion:
    """A new current version of `license`, unless the content is the same as the current one's
    (then the current version is returned and nobody is asked to accept again, REMS #1591).

    Approved applications the license applies to are recomputed: users who have not accepted the new
    version lose access until they do."""
    License.objects.select_for_update().get(pk=license.pk)
    attachment_bytes = b"".join(attachment.chunks()) if attachment else None
    content_hash = license_content_hash(text=text, url=url, attachment_bytes=attachment_bytes)
    current = license.versions.order_by("-number").first()
    if current is not None and current.content_hash == content_hash:
        return current
    number = (license.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = LicenseVersion(license=license, number=number, text=text, url=url, content_hash=content_hash)
    if attachment is not None:
        attachment.seek(0)
        version.attachment.save(attachment.name, attachment, save=False)
    version.full_clean()
    version.save()
    audit_record(actor=actor, action="license.version_create", target=version,
                 detail={"license": license.title, "number": number, "content_hash": content_hash})
    for application in applications_applying_license(license):
        entitlements_recompute(application=application, actor=actor)
        if current is not None:
            license_change_notify(application=application, version=version)
    return version


@transaction.atomic
def workflow_default_for(organisation: Organisation | None) -> Workflow:
    """The organisation's default workflow (its DAC). Made when missing, with the data stewards as its
    handlers, so that an application always reaches someone; the admin changes them."""
    title = f"{organisation.name} data access committee" if organisation else "Data access committee"
    workflow = Workflow.objects.filter(organisation=organisation, title=title).order_by("pk").first()
    if workflow is None:
        workflow = Workflow.objects.create(organisation=organisation, title=title)
        stewards = list(User.objects.filter(groups__name=Role.DATA_STEWARD.value, is_active=True))
        workflow.handlers.set(stewards)
        audit_record(actor=None, action="workflow.create", target=workflow,
                     detail={"title": title, "handlers": [user.username for user in stewards]})
    return workflow


@transaction.atomic
def catalogue_item_create(*, dataset, workflow: Workflow, form: Form | None = None, licenses=(),
                          requires_bona_fide: bool = False, indirect: bool = False,
                          actor: User | None = None) -> CatalogueItem:
    """Offer `dataset` through `workflow`. An enabled item of the dataset is ended, pointing to the new one."""
    previous = CatalogueItem.objects.select_for_update().filter(dataset=dataset, ended_at__isnull=True).first()
    if previous is not None:
        previous.ended_at = timezone.now()
        previous.save(update_fields=["ended_at"])
    item = CatalogueItem.objects.create(dataset=dataset, workflow=workflow, form=form,
                                        requires_bona_fide=requires_bona_fide, indirect=indirect)
    item.licenses.set(licenses)
    if previous is not None:
        previous.successor = item
        previous.save(update_fields=["successor"])
    audit_record(actor=actor, action="catalogue_item.create", target=item,
                 detail={"dataset": dataset.accession, "workflow": workflow.pk, "form": form.pk if form else None,
                         "licenses": sorted(license.pk for license in licenses), "replaces": previous and previous.pk})
    return item


def catalogue_item_edit(*, item: CatalogueItem, actor: User | None = None, **changes) -> CatalogueItem:
    """An edited copy of `item` (which ends). `changes` may set workflow, form, licenses,
    requires_bona_fide and indirect."""
    values = {"workflow": item.workflow, "form": item.form, "licenses": list(item.licenses.all()),
              "requires_bona_fide": item.requires_bona_fide, "indirect": item.indirect}
    values.update(changes)
    return catalogue_item_create(dataset=item.dataset, actor=actor, **values)


def catalogue_item_matches(item: CatalogueItem | None, *, workflow: Workflow, requires_bona_fide: bool,
                           indirect: bool) -> bool:
    return (item is not None and item.workflow_id == workflow.pk and item.requires_bona_fide == requires_bona_fide
            and item.indirect == indirect)


@transaction.atomic
def catalogue_item_end(*, item: CatalogueItem, actor: User | None = None) -> CatalogueItem:
    if item.ended_at is None:
        item.ended_at = timezone.now()
        item.save(update_fields=["ended_at"])
        audit_record(actor=actor, action="catalogue_item.end", target=item, detail={"dataset": item.dataset.accession})
    return item


# The policy attribute (TAG) that asks for a bona fide researcher (a ResearcherStatus visa); yes/true/1.
BONA_FIDE_POLICY_TAG = "requires_bona_fide"
TRUE_TEXTS = frozenset({"yes", "true", "1", "required"})


def policy_requires_bona_fide(version) -> bool:
    for policy in Policy.objects.filter(version=version):
        for attribute in policy.attributes or []:
            if str(attribute.get("tag", "")).strip().lower() == BONA_FIDE_POLICY_TAG:
                return str(attribute.get("value", "")).strip().lower() in TRUE_TEXTS
    return False


def rems_link_workflow(version) -> Workflow | None:
    """The workflow the bundle's REMS link names, by pk or title, if one matches."""
    link = RemsLink.objects.filter(version=version).first()
    wanted = link.workflow_id.strip() if link is not None else ""
    if not wanted:
        return None
    found = Workflow.objects.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    return found or Workflow.objects.filter(title__iexact=wanted).order_by("pk").first()


@transaction.atomic
def catalogue_item_publish(*, version, actor: User | None = None) -> CatalogueItem:
    """Create or update the dataset's catalogue item from the policy of a version being published.

    The workflow is the one the REMS link names; else the current item's (a steward may have chosen it);
    else the organisation's default. Direct and indirect access both get an item (indirect ones are
    flagged for the AI jobs). An item that already says the same is kept; otherwise a new one replaces
    it, keeping its form and licenses."""
    current = catalogue_item_enabled(version.dataset)
    workflow = (rems_link_workflow(version) or (current.workflow if current else None)
                or workflow_default_for(version.dataset.organisation))
    requires_bona_fide = policy_requires_bona_fide(version)
    indirect = version.access_type == AccessType.INDIRECT
    if catalogue_item_matches(current, workflow=workflow, requires_bona_fide=requires_bona_fide, indirect=indirect):
        return current
    if current is not None:
        return catalogue_item_edit(item=current, actor=actor, workflow=workflow,
                                   requires_bona_fide=requires_bona_fide, indirect=indirect)
    return catalogue_item_create(dataset=version.dataset, workflow=workflow, requires_bona_fide=requires_bona_fide,
                                 indirect=indirect, actor=actor)
