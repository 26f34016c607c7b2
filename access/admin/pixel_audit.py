"""Sessions of tile and frame reads, read-only: they are written by access.services.pixel_audit."""

from django.contrib import admin

from access.models import PixelReadSession
from governance.admin import ReadOnlyAdmin


@admin.register(PixelReadSession)
class PixelReadSessionAdmin(ReadOnlyAdmin):
    list_display = ("user", "image_accession", "via", "first_read_at", "last_read_at", "read_count")
    list_filter = ("via",)
    search_fields = ("user__username", "image_accession")
    date_hierarchy = "first_read_at"
