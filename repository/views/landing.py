"""Public dataset landing pages (latest and numbered versions), their tombstones, and the metadata zip."""

from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from access.selectors.downloads import download_offer
from access.selectors.pixels import viewable_images
from bigpicture.storage import storage_for
from repository.citation import citation_facts, citation_text, landing_context
from repository.selectors.visibility import published_versions
from repository.services.public_exports import public_export_filename
from repository.summary_fields import POLICY_FIELDS, summary_rows
from repository.views.lookup import public_version, visible_or_404

# How long a client waits before asking again for a zip that is still being built.
EXPORT_RETRY_SECONDS = 30


@require_GET
def landing_page(request, accession: str, number: int | None = None):
    visible = visible_or_404(accession, number)
    version = visible.version
    if visible.withdrawn:
        # A tombstone: enough to cite and recognise the dataset, nothing of its content.
        return render(request, "repository/tombstone.html", {
            "version": version, "dataset": version.dataset,
            "citation_text": citation_text(citation_facts(version, request)),
        }, status=410)
    return render(request, "repository/landing_page.html", landing_page_context(version, request))


def landing_page_context(version, request) -> dict:
    """The landing page template's context; also renders the steward's preview of a submission."""
    policy = version.summary.get("policy") or {}
    return {
        "version": version, "dataset": version.dataset, "versions": published_versions(dataset=version.dataset),
        "summary_rows": summary_rows(version.summary),
        "policy_rows": [(label, policy.get(key)) for key, label in POLICY_FIELDS],
        "policy_text": policy.get("policy_text"),
        "sample_images": version.summary.get("sample_images", []),
        # The slides the viewer may show this user (asked of the permission function, never the template).
        "viewable_images": viewable_images(request.user, version),
        "download_offer": download_offer(request.user, version),
        **landing_context(version, request),
    }


@require_GET
@public_version
def metaflex_download(request, version):
    """The version's public MetaFleX XML as a zip, built once after publication (never here)."""
    storage = storage_for("public")
    if not version.public_export_name or not storage.exists(version.public_export_name):
        response = HttpResponse("The metadata download of this version is being prepared. "
                                f"Try again in {EXPORT_RETRY_SECONDS} seconds.\n",
                                status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(EXPORT_RETRY_SECONDS)
        return response
    response = FileResponse(storage.open(version.public_export_name, "rb"), as_attachment=True,
                            content_type="application/zip", filename=public_export_filename(version))
    response["Content-Length"] = str(version.public_export_size)
    response["ETag"] = f'"{version.public_export_sha256}"'
    return response
