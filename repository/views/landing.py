"""Public dataset landing pages (latest and numbered versions) and their public metadata."""

import tempfile
import zipfile
from pathlib import Path

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from repository.citation import landing_context
from repository.selectors.catalogue import dataset_version_public
from repository.services.exports import dataset_export
from repository.summary_fields import POLICY_FIELDS, summary_rows

# The bundle files whose content is public; PRIVATE/ (REMS, organisation) stays inside.
PUBLIC_METADATA = ("METADATA", "LANDING_PAGE")


def _version_or_404(accession: str, number: int | None):
    version = dataset_version_public(accession=accession, number=number)
    if version is None:
        raise Http404("No published dataset has this accession.")
    return version


@require_GET
def landing_page(request, accession: str, number: int | None = None):
    version = _version_or_404(accession, number)
    versions = version.dataset.versions.filter(published_at__isnull=False).order_by("-number")
    policy = version.summary.get("policy") or {}
    return render(request, "repository/landing_page.html", {
        "version": version, "dataset": version.dataset, "versions": versions,
        "summary_rows": summary_rows(version.summary),
        "policy_rows": [(label, policy.get(key)) for key, label in POLICY_FIELDS],
        "policy_text": policy.get("policy_text"),
        "sample_images": version.summary.get("sample_images", []),
        **landing_context(version, request),
    })


@require_GET
def metaflex_download(request, accession: str, number: int | None = None):
    """The version's public MetaFleX XML (no data files, no PRIVATE/), as a zip."""
    version = _version_or_404(accession, number)
    archive = tempfile.TemporaryFile()
    with tempfile.TemporaryDirectory(prefix="metaflex-") as workdir:
        bundle = dataset_export(version=version, out_dir=Path(workdir) / "bundle", with_files=False)
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for folder in PUBLIC_METADATA:
                for path in sorted((bundle / folder).glob("*.xml")):
                    zipped.write(path, f"{accession}-v{version.number}/{folder}/{path.name}")
    archive.seek(0)
    return FileResponse(archive, as_attachment=True, content_type="application/zip",
                        filename=f"{accession}-v{version.number}-metaflex.zip")
