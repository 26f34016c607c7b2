"""Which dataset a bundle is a version of, and which organisation holds it.

A dataset is identified by its accession, or else by (organisation, alias); the
model has that uniqueness rule. Two imports of one bundle at once must make one
dataset, so on PostgreSQL the import takes a transaction-level advisory lock on
(organisation, alias) before it looks: the second waits for the first to commit,
then finds its dataset and becomes a new version of it (or is refused as
identical). The unique constraints are the last line of defence (SQLite, or a
writer that skips the lock): their IntegrityError becomes a `dataset.duplicate`
problem.

The organisation: the importer's `organisation` when given. Otherwise it comes from
the bundle's PRIVATE/organisation.xml: the organisation of an earlier dataset whose
bundle had the same PIC code, else the organisation with that NAME (ignoring
case), else a new organisation with that name. The import paths are trusted (the
admin's `import_metaflex`; the submission workflow passes the submitter's
organisation), and the landing page, catalogue, statistics and citations then show
the centre's name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils.text import slugify

from access.models import Organisation
from access.services import organisation_create
from metaflex import Bundle
from metaflex.types import Problem, Report
from repository import models as m
from repository.services.import_errors import import_reject

_NAME_MAX = Organisation._meta.get_field("name").max_length
_SLUG_MAX = Organisation._meta.get_field("slug").max_length


def advisory_lock(key: str) -> None:
    """Hold a PostgreSQL lock on `key` until the transaction ends (SQLite serialises writers itself)."""
    if connection.vendor != "postgresql":
        return
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


@dataclass
class DatasetMatch:
    """The dataset a bundle belongs to (None for a first import) and its organisation."""

    dataset: m.Dataset | None
    organisation: Organisation | None


def dataset_find(*, bundle: Bundle, organisation: Organisation | None, report: Report,
                 actor=None) -> DatasetMatch:
    """Lock the bundle's identity and find its dataset; refuse if the bundle and repository disagree."""
    entity = bundle.dataset
    where = {"file": entity.source_file, "line": entity.line, "element": "DATASET", "alias": entity.alias}
    existing = None
    if entity.accession:
        existing = m.Dataset.objects.filter(accession=entity.accession).select_related("organisation").first()
        if existing is not None:
            if organisation is not None and existing.organisation_id != organisation.pk:
                import_reject(report, Problem(
                    rule="dataset.organisation", **where,
                    message=f"dataset {existing.accession} is held by {_holder(existing.organisation)}, not "
                            f"{organisation.slug!r}; import it with that organisation, or without --organisation."))
            organisation = existing.organisation
    if organisation is None and existing is None:
        organisation = _organisation_of_bundle(bundle, report, actor=actor)
    advisory_lock(f"dataset:{organisation.pk if organisation else '-'}:{entity.alias}")
    by_alias = m.Dataset.objects.select_for_update().filter(alias=entity.alias, organisation=organisation).first()
    if not entity.accession:
        return DatasetMatch(by_alias, organisation)
    dataset = m.Dataset.objects.select_for_update().filter(accession=entity.accession).first()
    if dataset is None and by_alias is not None:
        import_reject(report, Problem(
            rule="dataset.duplicate", **where,
            message=f"this bundle is dataset {entity.accession}, but {_holder(organisation)} already has dataset "
                    f"{by_alias.accession} with alias {entity.alias!r}; an alias names one dataset per "
                    "organisation. Rename the alias, or remove the accession to make a new version of "
                    f"{by_alias.accession}."))
    return DatasetMatch(dataset, organisation)


def dataset_create(*, bundle: Bundle, accession: str, organisation: Organisation | None, report: Report
                   ) -> m.Dataset:
    """Create the dataset of a first import; a concurrent twin that got there first is a clear refusal."""
    alias = bundle.dataset.alias
    try:
        with transaction.atomic():
            return m.Dataset.objects.create(accession=accession, alias=alias, organisation=organisation)
    except IntegrityError:
        import_reject(report, Problem(
            rule="dataset.duplicate", file=bundle.dataset.source_file, line=bundle.dataset.line, element="DATASET",
            alias=alias,
            message=f"{_holder(organisation)} got a dataset with alias {alias!r} (or accession {accession}) from "
                    "another import at the same time; run this import again to make it a new version of that "
                    "dataset."))


def _holder(organisation: Organisation | None) -> str:
    return f"organisation {organisation.slug!r}" if organisation else "the repository (no organisation)"


def _organisation_of_bundle(bundle: Bundle, report: Report, *, actor=None) -> Organisation | None:
    entity = bundle.organisation
    name = " ".join(str(entity.fields.get("NAME") or "").split())
    pic_code = str(entity.fields.get("PIC_CODE") or "").strip()
    if not name:
        return None
    where = {"file": entity.source_file, "line": entity.line, "element": "NAME", "alias": entity.alias}
    advisory_lock(f"organisation:{name.casefold()}")
    if pic_code:
        earlier = (m.DatasetOrganisation.objects
                   .filter(pic_code=pic_code, version__dataset__organisation__isnull=False).order_by("-version_id")
                   .values_list("version__dataset__organisation", flat=True).first())
        if earlier is not None:
            return Organisation.objects.get(pk=earlier)
    found = Organisation.objects.filter(name__iexact=name).first()
    if found is not None:
        return found
    if len(name) > _NAME_MAX:
        report.add(Problem(rule="organisation.not_linked", severity="warning", **where,
                           message=f"the organisation's NAME has {len(name)} characters, more than the "
                                   f"{_NAME_MAX} an organisation's name may have here, so the dataset is not "
                                   "linked to an organisation; create it in the admin and import with "
                                   "--organisation."))
        return None
    organisation = organisation_create(name=name, slug=_free_slug(name), actor=actor)
    report.add(Problem(rule="organisation.created", severity="warning", **where,
                       message=f"no organisation is named {name!r} yet, so this import creates it (slug "
                               f"{organisation.slug!r}); add its country and website in the admin."))
    return organisation


def _free_slug(name: str) -> str:
    base = (slugify(name) or "organisation")[:_SLUG_MAX].strip("-")
    taken = set(Organisation.objects.filter(slug__startswith=base[:_SLUG_MAX - 4]).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        suffix = f"-{n}"
        slug = base[:_SLUG_MAX - len(suffix)] + suffix
    return slug
