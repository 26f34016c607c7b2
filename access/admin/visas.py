"""The visa signing keys, read-only: they are made and retired by `manage.py visa_keys_rotate`."""

from django.contrib import admin

from access.models import VisaSigningKey
from governance.admin import ReadOnlyAdmin


@admin.register(VisaSigningKey)
class VisaSigningKeyAdmin(ReadOnlyAdmin):
    list_display = ("kid", "created", "retired_at", "not_after")
    # The wrapped private key stays out of pages, even encrypted.
    exclude = ("wrapped_private_key",)

    def get_readonly_fields(self, request, obj=None):
        return [name for name in super().get_readonly_fields(request, obj) if name != "wrapped_private_key"]
