from django.contrib import admin

from ingestion.models import (
    ChecklistItem,
    FileEvent,
    SOPStep,
    SOPTemplate,
    Submission,
    SubmissionEvent,
    SubmissionFile,
    Ticket,
    TicketComment,
    TicketEvent,
)


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


class SOPStepInline(admin.TabularInline):
    model = SOPStep
    extra = 1
    fields = ("order", "title", "help")


@admin.register(SOPTemplate)
class SOPTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "is_default", "active")
    list_filter = ("active", "is_default")
    inlines = [SOPStepInline]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ("order", "title", "done_by", "done_at")
    readonly_fields = ("done_by", "done_at")


class TicketCommentInline(admin.StackedInline):
    model = TicketComment
    extra = 0
    fields = ("author", "internal", "body", "created")
    readonly_fields = ("author", "created")

    def has_add_permission(self, request, obj=None):
        return False  # comments are written on the ticket page, so they are mailed and audited


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created", "actor", "from_status", "to_status", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("id", "submission", "status", "assignee", "opened_at", "due_at", "closed_at")
    list_filter = ("status", "submission__organisation")
    search_fields = ("submission__title", "id")
    # Status follows the submission and the queue's buttons (see ingestion.ticket_states).
    readonly_fields = ("submission", "status", "opened_at", "closed_at", "due_at")
    raw_id_fields = ("assignee",)
    inlines = [ChecklistItemInline, TicketCommentInline, TicketEventInline]
