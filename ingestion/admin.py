from django.contrib import admin

from bigpicture.errors import UserError
from ingestion.models import (
    ChecklistItem,
    ConvertedFile,
    FileEvent,
    ImageJob,
    PipelineStep,
    SOPStep,
    SOPTemplate,
    StepEvent,
    Submission,
    SubmissionEvent,
    SubmissionFile,
    Ticket,
    TicketComment,
    TicketEvent,
)
from ingestion.services.pipeline import pipeline_step_retry


class ReadOnlyInline(admin.TabularInline):
    """A history or output table shown in its parent's page: nothing is added, changed or deleted there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class SubmissionEventInline(ReadOnlyInline):
    model = SubmissionEvent
    readonly_fields = ("created", "actor", "action", "from_state", "to_state", "message", "failure")


class SubmissionFileInline(ReadOnlyInline):
    model = SubmissionFile
    fields = ("path", "size", "state", "sha256", "computed_sha256", "error")
    readonly_fields = fields


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


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent
    readonly_fields = ("created", "actor", "from_status", "to_status", "note")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("id", "submission", "status", "assignee", "opened_at", "due_at", "closed_at")
    list_filter = ("status", "submission__organisation")
    search_fields = ("submission__title", "id")
    # Status follows the submission and the queue's buttons (see ingestion.ticket_states).
    readonly_fields = ("submission", "status", "opened_at", "closed_at", "due_at")
    raw_id_fields = ("assignee",)
    inlines = [ChecklistItemInline, TicketCommentInline, TicketEventInline]


class StepEventInline(ReadOnlyInline):
    model = StepEvent
    readonly_fields = ("created", "from_state", "to_state", "attempt", "message", "failure")


@admin.register(PipelineStep)
class PipelineStepAdmin(admin.ModelAdmin):
    list_display = ("name", "state", "subject", "attempts", "queued_at", "started_at", "finished_at", "failure")
    list_filter = ("state", "name", "failure")
    search_fields = ("file__path", "job__image_alias", "message")
    readonly_fields = ("file", "job", "name", "state", "attempts", "queued_at", "started_at", "finished_at",
                       "message", "failure", "details")
    inlines = [StepEventInline]
    actions = ["retry_failed"]

    @admin.display(description="File or image")
    def subject(self, step):
        return step.file.path if step.file_id else f"IMAGE {step.job.image_alias}"

    def has_add_permission(self, request):
        return False

    @admin.action(description="Retry the selected failed steps")
    def retry_failed(self, request, queryset):
        done, refused = 0, []
        for step in queryset.filter(state="failed"):
            try:
                pipeline_step_retry(step=step, actor=request.user)
                done += 1
            except UserError as error:
                refused.append(str(error))
        self.message_user(request, f"{done} step(s) queued again." + (f" Refused: {'; '.join(refused)}"
                                                                      if refused else ""))


class ConvertedFileInline(ReadOnlyInline):
    model = ConvertedFile
    readonly_fields = ("path", "role", "size", "sha256", "storage_name", "created")


@admin.register(ImageJob)
class ImageJobAdmin(admin.ModelAdmin):
    list_display = ("image_alias", "submission", "active", "source_label", "lossless", "lossy_ratio", "created")
    list_filter = ("active", "lossless", "source_format")
    search_fields = ("image_alias", "submission__title")
    readonly_fields = ("submission", "image_alias", "active", "plan", "source_format", "source_label", "lossless",
                       "lossy_ratio", "facts", "thumbnail_name", "preview_name")
    inlines = [ConvertedFileInline]

    def has_add_permission(self, request):
        return False
