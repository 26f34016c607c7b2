"""Users' crypt4gh public keys: registered by their owners; here seen and revoked (audited)."""

from django.contrib import admin

from access.models import UserPublicKey
from access.services.keys import public_key_revoke
from governance.admin import ReadOnlyAdmin


@admin.register(UserPublicKey)
class UserPublicKeyAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "fingerprint", "created", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "fingerprint", "user__username")
    exclude = ("public_key",)
    actions = ["revoke"]

    @admin.action(description="Revoke the selected keys now")
    def revoke(self, request, queryset):
        for key in queryset.filter(revoked_at__isnull=True):
            public_key_revoke(key=key, actor=request.user)
        self.message_user(request, "Revoked.")
