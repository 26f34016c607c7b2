"""Admin for the metadata model. Accessions are issued by the repository, never edited.

Published content is immutable here as everywhere: a published version and
every row inside it (objects, files, facets) can be viewed, never changed,
added to or deleted. Datasets change only by their status actions, which ask
for the reason the landing page shows.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import FileResponse
from django.template.response import TemplateResponse

from bigpicture.errors import UserError
from bigpicture.http import client_address
from repository import models as m
from repository.forms import StatusReasonForm
from repository.services.datasets import dataset_status_change
from repository.services.exports import bundle_zip, dataset_export
from repository.tasks import public_export_build


class PublishedReadOnlyAdmin(admin.ModelAdmin):
    """View-only once published. `version_path` leads from a row to its DatasetVersion ("" for the version).

    Rows arrive by import only (which also issues their accessions), so none is added here.
    """

    version_path = "version"

    def is_published(self, obj) -> bool:
        version = obj
        for step in filter(None, self.version_path.split("__")):
            version = getattr(version, step)
        return version.published_at is not None

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and self.is_published(obj))

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and self.is_published(obj))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class MetaflexObjectAdmin(PublishedReadOnlyAdmin):
    list_display = ("accession", "alias", "version")
    search_fields = ("accession", "alias")
    list_filter = ("version__dataset__organisation",)
    readonly_fields = ("accession", "version", "content_hash")
    list_select_related = ("version__dataset",)
    raw_id_fields = ("version",)


for model in (m.Policy, m.LandingPage, m.RemsLink, m.DatasetOrganisation, m.BiologicalBeing, m.Case,
              m.Specimen, m.Block, m.Staining, m.Slide, m.Annotation, m.Observer):
    admin.site.register(model, MetaflexObjectAdmin)


@admin.register(m.Image)
class ImageAdmin(MetaflexObjectAdmin):
    list_display = ("accession", "alias", "image_type", "version")
    list_filter = ("image_type", "version__dataset__organisation")


@admin.register(m.Observation)
class ObservationAdmin(MetaflexObjectAdmin):
    list_display = ("accession", "alias", "statement_type", "statement_status", "version")
    list_filter = ("statement_type", "statement_status")
    search_fields = ("accession", "alias", "freetext")


class StoredFileAdmin(PublishedReadOnlyAdmin):
    list_display = ("accession", "filename", "filetype", "size", "checksum")
    search_fields = ("accession", "filename", "checksum")
    list_filter = ("filetype",)
    readonly_fields = ("accession", "checksum", "checksum_method", "unencrypted_checksum", "size")


@admin.register(m.ImageFile)
class ImageFileAdmin(StoredFileAdmin):
    version_path = "image__version"
    list_select_related = ("image__version",)


@admin.register(m.AnnotationFile)
class AnnotationFileAdmin(StoredFileAdmin):
    version_path = "annotation__version"
    list_select_related = ("annotation__version",)


class DatasetVersionInline(admin.TabularInline):
    model = m.DatasetVersion
    fields = ("number", "title", "version_label", "published_at", "images_count")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(m.Dataset)
class DatasetAdmin(PublishedReadOnlyAdmin):
    list_display = ("accession", "alias", "organisation", "status", "created")
    list_filter = ("status", "organisation")
    search_fields = ("accession", "alias", "versions__title")
    readonly_fields = ("accession", "latest_version", "created", "status", "status_reason")
    inlines = [DatasetVersionInline]
    actions = ["deprecate", "withdraw"]

    def is_published(self, obj) -> bool:
        # Its alias, organisation and complements are part of what was published.
        return obj.versions.filter(published_at__isnull=False).exists()

    def _change_status(self, request, queryset, status: str, action: str):
        """The admin's intermediate page: ask for the reason, then change every selected dataset."""
        form = StatusReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for dataset in queryset:
                previous = dataset.status
                try:
                    dataset_status_change(dataset=dataset, status=status, reason=form.cleaned_data["reason"],
                                          actor=request.user)
                except UserError as error:
                    self.message_user(request, str(error), level=messages.ERROR)
                else:
                    self.log_change(request, dataset, f"Status {previous} \u2192 {status}: "
                                                      f"{form.cleaned_data['reason']}")
                    self.message_user(request, f"{dataset.accession} is now {status}.")
            return None
        return TemplateResponse(request, "admin/repository/dataset/status_change.html", {
            **self.admin_site.each_context(request),
            "title": f"{action.capitalize()} datasets: why?",
            "opts": self.model._meta, "datasets": queryset, "form": form, "action": action, "status": status,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })

    @admin.action(description="Deprecate the selected datasets (still listed, marked deprecated)",
                  permissions=["change"])
    def deprecate(self, request, queryset):
        return self._change_status(request, queryset, m.DatasetStatus.DEPRECATED, "deprecate")

    @admin.action(description="Withdraw the selected datasets (only a tombstone page stays)",
                  permissions=["change"])
    def withdraw(self, request, queryset):
        return self._change_status(request, queryset, m.DatasetStatus.WITHDRAWN, "withdraw")


@admin.register(m.DatasetVersion)
class DatasetVersionAdmin(PublishedReadOnlyAdmin):
    version_path = ""
    list_display = ("dataset", "number", "title", "is_clinical", "access_type", "images_count", "published_at",
                    "public_export_built")
    list_filter = ("is_clinical", "access_type", "dataset__organisation")
    search_fields = ("dataset__accession", "title", "short_name")
    readonly_fields = ("dataset", "number", "published_at", "published_by", "changes", "foreign_accessions")
    list_select_related = ("dataset",)
    actions = ["public_export_rebuild", "metadata_download"]

    @admin.display(boolean=True, description="Public zip")
    def public_export_built(self, version) -> bool:
        return bool(version.public_export_name)

    @admin.action(description="Build or verify the public metadata zip (metaflex.zip) of the selected versions")
    def public_export_rebuild(self, request, queryset):
        versions = list(queryset.filter(published_at__isnull=False).values_list("pk", flat=True))
        for version_id in versions:
            public_export_build.dispatch(version_id)
        self.message_user(request, f"Queued {len(versions)} public export build(s); the workers verify the "
                                   "stored zips and build missing ones.")

    @admin.action(description="Download the full MetaFleX metadata (PRIVATE/ included) of one selected version")
    def metadata_download(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to download.", level=messages.ERROR)
            return None
        version = queryset.select_related("dataset").get()
        root = f"{version.dataset.accession}-v{version.number}"
        archive = tempfile.TemporaryFile()
        with tempfile.TemporaryDirectory(prefix="metaflex-admin-") as workdir:
            bundle = dataset_export(version=version, out_dir=Path(workdir) / "bundle", with_files=False,
                                    actor=request.user, ip_address=client_address(request))
            bundle_zip(bundle=bundle, target=archive, root=root)
        archive.seek(0)
        return FileResponse(archive, as_attachment=True, content_type="application/zip",
                            filename=f"{root}-metaflex-full.zip")


@admin.register(m.DatasetFacet)
class DatasetFacetAdmin(PublishedReadOnlyAdmin):
    list_display = ("version", "facet", "value")
    list_filter = ("facet",)
    search_fields = ("value",)
    list_select_related = ("version__dataset",)


@admin.register(m.Accession)
class AccessionAdmin(admin.ModelAdmin):
    list_display = ("accession", "type", "dataset_accession", "alias", "foreign", "created")
    list_filter = ("type", "foreign")
    search_fields = ("accession", "alias", "dataset_accession")
    readonly_fields = ("accession", "type", "dataset_accession", "alias", "foreign", "created")

    def has_add_permission(self, request) -> bool:
        return False  # accessions are issued by the repository

    def has_delete_permission(self, request, obj=None):
        return False
