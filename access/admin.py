from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from access.models import Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "organisation", "is_staff", "is_active")
    list_filter = ("organisation", "groups", "is_staff", "is_superuser", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (("Organisation", {"fields": ("organisation",)}),)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "country", "contact_email")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
