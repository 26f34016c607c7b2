from django.contrib import admin

from governance.models import AuditEvent, AuditVerification


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("sequence", "timestamp", "actor_repr", "action", "target_type", "target_id")
    list_filter = ("action", "target_type")
    search_fields = ("actor_repr", "action", "target_id", "target_repr")
    date_hierarchy = "timestamp"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditVerification)
class AuditVerificationAdmin(AuditEventAdmin):
    list_display = ("checked_at", "ok", "rows_checked", "first_bad_sequence", "checked_by")
    list_filter = ("ok",)
    search_fields = ("message",)
    date_hierarchy = "checked_at"
