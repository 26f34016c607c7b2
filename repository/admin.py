"""Admin for the metadata model. Accessions are issued by the repository, never edited."""

from django.contrib import admin, messages

from bigpicture.errors import UserError
from repository import models as m
from repository.services.datasets import dataset_status_change


class MetaflexObjectAdmin(admin.ModelAdmin):
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


@admin.register(m.ImageFile, m.AnnotationFile)
class StoredFileAdmin(admin.ModelAdmin):
    list_display = ("accession", "filename", "filetype", "size", "checksum")
    search_fields = ("accession", "filename", "checksum")
    list_filter = ("filetype",)
    readonly_fields = ("accession", "checksum", "checksum_method", "unencrypted_checksum", "size")


class DatasetVersionInline(admin.TabularInline):
    model = m.DatasetVersion
    fields = ("number", "title", "version_label", "published_at", "images_count")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(m.Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ("accession", "alias", "organisation", "status", "created")
    list_filter = ("status", "organisation")
    search_fields = ("accession", "alias", "versions__title")
    readonly_fields = ("accession", "latest_version", "created", "status", "status_reason")
    inlines = [DatasetVersionInline]
    actions = ["deprecate", "withdraw"]

    def _change_status(self, request, queryset, status: str) -> None:
        reason = f"{status.capitalize()} by {request.user.get_username()} in the admin."
        for dataset in queryset:
            try:
                dataset_status_change(dataset=dataset, status=status, reason=reason, actor=request.user)
            except UserError as error:
                self.message_user(request, str(error), level=messages.ERROR)
            else:
                self.message_user(request, f"{dataset.accession} is now {status}.")

    @admin.action(description="Deprecate the selected datasets (still listed, marked deprecated)")
    def deprecate(self, request, queryset):
        self._change_status(request, queryset, m.DatasetStatus.DEPRECATED)

    @admin.action(description="Withdraw the selected datasets (removed from the catalogue and API)")
    def withdraw(self, request, queryset):
        self._change_status(request, queryset, m.DatasetStatus.WITHDRAWN)


@admin.register(m.DatasetVersion)
class DatasetVersionAdmin(admin.ModelAdmin):
    list_display = ("dataset", "number", "title", "is_clinical", "access_type", "images_count", "published_at")
    list_filter = ("is_clinical", "access_type", "dataset__organisation")
    search_fields = ("dataset__accession", "title", "short_name")
    readonly_fields = ("dataset", "number", "published_at", "published_by", "changes", "foreign_accessions")


@admin.register(m.DatasetFacet)
class DatasetFacetAdmin(admin.ModelAdmin):
    list_display = ("version", "facet", "value")
    list_filter = ("facet",)
    search_fields = ("value",)


@admin.register(m.Accession)
class AccessionAdmin(admin.ModelAdmin):
    list_display = ("accession", "type", "dataset_accession", "alias", "foreign", "created")
    list_filter = ("type", "foreign")
    search_fields = ("accession", "alias", "dataset_accession")
    readonly_fields = ("accession", "type", "dataset_accession", "alias", "foreign", "created")

    def has_delete_permission(self, request, obj=None):
        return False
