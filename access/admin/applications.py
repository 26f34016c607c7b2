"""Admin for workflows, forms (fields inline), licenses (versions inline: a new version is a new row),
catalogue items (an edit makes a new item and ends the old), and read-only applications and entitlements."""

from django.contrib import admin, messages

from access.models import (
    Application,
    ApplicationEvent,
    Blacklist,
    CatalogueItem,
    Entitlement,
    Form,
    FormField,
    License,
    LicenseVersion,
    Workflow,
)
from access.services.applications import blacklist_apply
from access.services.catalogue import (
    catalogue_item_create,
    catalogue_item_edit,
    catalogue_item_end,
    license_version_create,
)
from access.services.entitlements import blacklist_remove
from governance.admin import ReadOnlyAdmin
from governance.services import audit_record


class LicenseVersionInline(admin.StackedInline):
    """Versions are never changed: adding a row makes a new version (only if its content differs)."""

    model = LicenseVersion
    extra = 1
    can_delete = False
    fields = ("number", "text", "url", "attachment", "content_hash", "created")
    readonly_fields = ("number", "content_hash", "created")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(License)
class LicenseAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "organisation", "created")
    list_filter = ("kind", "organisation")
    search_fields = ("title",)
    inlines = [LicenseVersionInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not LicenseVersion:
            return super().save_formset(request, form, formset, change)
        for version in formset.save(commit=False):
            current = form.instance.versions.order_by("-number").first()
            made = license_version_create(license=form.instance, text=version.text, url=version.url,
                                          attachment=version.attachment.file if version.attachment else None,
                                          actor=request.user)
            if current is not None and made.pk == current.pk:
                messages.info(request, "The new version says the same as the current one, so none was made and "
                                       "nobody is asked to accept again.")


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "organisation", "review_requests", "voting", "enabled")
    list_filter = ("kind", "enabled", "organisation")
    search_fields = ("title",)
    filter_horizontal = ("handlers", "deciders", "licenses")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        workflow = form.instance
        audit_record(actor=request.user, action="workflow.change" if change else "workflow.create", target=workflow,
                     detail={"kind": workflow.kind, "handlers": sorted(workflow.handlers.values_list("pk", flat=True)),
                             "deciders": sorted(workflow.deciders.values_list("pk", flat=True))})


class FormFieldInline(admin.StackedInline):
    model = FormField
    extra = 0
    fields = (("position", "key", "kind"), "label", "help_text", ("optional", "private", "max_length"),
              "options", "columns", "visible_if")


@admin.register(Form)
class FormAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "created")
    search_fields = ("title",)
    inlines = [FormFieldInline]


@admin.register(CatalogueItem)
class CatalogueItemAdmin(admin.ModelAdmin):
    """Items are immutable: saving a change makes a new item and ends this one."""

    list_display = ("dataset", "workflow", "form", "requires_bona_fide", "indirect", "created", "ended_at")
    list_filter = ("workflow", "requires_bona_fide", "indirect", ("ended_at", admin.EmptyFieldListFilter))
    search_fields = ("dataset__accession",)
    autocomplete_fields = ("dataset",)
    filter_horizontal = ("licenses",)
    fields = ("dataset", "workflow", "form", "licenses", "requires_bona_fide", "indirect", "ended_at", "successor")
    readonly_fields = ("ended_at", "successor")
    actions = ["end"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.ended_at is not None:
            return self.fields
        return (*self.readonly_fields, "dataset") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        pass  # saved in save_related, through the service, once the licenses are known

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data
        values = {"workflow": data["workflow"], "form": data.get("form"), "licenses": list(data.get("licenses") or []),
                  "requires_bona_fide": data.get("requires_bona_fide", False), "indirect": data.get("indirect", False)}
        if change:
            old = CatalogueItem.objects.get(pk=form.instance.pk)
            item = catalogue_item_edit(item=old, actor=request.user, **values)
            messages.info(request, f"Catalogue items do not change: item {item.pk} replaces item {old.pk}, which ended.")
        else:
            item = catalogue_item_create(dataset=data["dataset"], actor=request.user, **values)
        form.instance = item

    def response_change(self, request, obj):
        return super().response_change(request, CatalogueItem.objects.get(pk=obj.pk).successor or obj)

    @admin.action(description="End the selected catalogue items (no new applications)")
    def end(self, request, queryset):
        for item in queryset.filter(ended_at__isnull=True):
            catalogue_item_end(item=item, actor=request.user)


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    readonly_fields = ("seq", "type", "actor", "payload", "created")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    """Read only: applications change through their commands (the application page)."""

    list_display = ("pk", "applicant", "state", "assignee", "submitted_at", "decided_at", "entitlement_end")
    list_filter = ("state",)
    search_fields = ("applicant__username", "external_id", "catalogue_items__dataset__accession")
    inlines = [ApplicationEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "catalogue_items", "added_licenses"]


@admin.register(Entitlement)
class EntitlementAdmin(ReadOnlyAdmin):
    """Entitlements follow their applications (access.services.entitlements); here they are seen."""

    list_display = ("user", "dataset", "application", "start", "end", "approved_by", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__username", "dataset__accession")


@admin.register(Blacklist)
class BlacklistAdmin(admin.ModelAdmin):
    """Adding an entry rejects the user's open applications for the dataset and ends their access."""

    list_display = ("user", "dataset", "application", "added_by", "reason", "created")
    search_fields = ("user__username", "dataset__accession")
    autocomplete_fields = ("user", "dataset")
    fields = ("user", "dataset", "reason")

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        entry = blacklist_apply(user=obj.user, dataset=obj.dataset, actor=request.user, reason=obj.reason)
        obj.pk = entry.pk

    def delete_model(self, request, obj):
        blacklist_remove(entry=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            blacklist_remove(entry=entry, actor=request.user)
