from django.contrib import admin

from ingestion.models import FileEvent, Submission, SubmissionEvent, SubmissionFile


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created", "actor", "action", "from_state", "to_state", "message", "failure")

    def has_add_permission(self, request, obj=None):
        return False


class SubmissionFileInline(admin.TabularInline):
    model = SubmissionFile
    extra = 0
    can_delete = False
    fields = ("path", "size", "state", "sha256", "computed_sha256", "error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "organisation", "state", "created_by", "created")
    list_filter = ("state", "organisation")
    search_fields = ("title", "id")
    readonly_fields = ("state", "report", "report_at", "version")
    inlines = [SubmissionFileInline, SubmissionEventInline]


@admin.register(FileEvent)
class FileEventAdmin(admin.ModelAdmin):
    list_display = ("file", "from_state", "to_state", "created", "failure")
    readonly_fields = ("file", "actor", "from_state", "to_state", "message", "failure", "created")
