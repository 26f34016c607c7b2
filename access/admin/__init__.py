from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from access.admin import (
    groups,  # noqa: F401  (registers the group admin)
    pixel_audit,  # noqa: F401  (tiles and frames: the pixel read sessions)
    visas,  # noqa: F401  (entitlements: the visa signing keys)
)
from access.models import ApiToken, Membership, Organisation, User
from access.services import membership_grant, membership_revoke, token_revoke
from access.services.groups import organisation_data_managers
from governance.admin import ReadOnlyAdmin


class MembershipInline(admin.TabularInline):
    """Memberships are granted and revoked (audited), not edited."""

    model = Membership
    extra = 0
    autocomplete_fields = ("user", "organisation")

    def get_readonly_fields(self, request, obj=None):
        return ("created",)

    def has_change_permission(self, request, obj=None):
        return False


class MembershipAdminMixin:
    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        memberships = formset.save(commit=False)
        for membership in formset.deleted_objects:
            membership_revoke(membership=membership, actor=request.user)
        for membership in memberships:
            membership_grant(user=membership.user, organisation=membership.organisation, role=membership.role,
                             actor=request.user)


@admin.register(User)
class UserAdmin(MembershipAdminMixin, BaseUserAdmin):
    list_display = ("username", "email", "organisation", "is_staff", "is_active")
    list_filter = ("organisation", "groups", "is_staff", "is_superuser", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (("Organisation", {"fields": ("organisation",)}),)
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(MembershipAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "node", "country", "contact_email")
    list_filter = ("node",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "country", "website", "contact_email", "node", "upload_quota_bytes")
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        organisation_data_managers(obj)  # every organisation has its data-manager group


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are created by their owners; here they can be seen and revoked."""

    list_display = ("name", "prefix", "user", "created", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    actions = ["revoke"]

    @admin.action(description="Revoke the selected tokens now")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token=token, actor=request.user)
        self.message_user(request, "Revoked.")
# applications: workflows, forms, licenses, catalogue items, applications, entitlements, blacklist
from access.admin import applications as applications_admin  # noqa: E402, F401
from access.admin import identities  # noqa: E402,F401  (login: OIDC identities, inbound visas)

# downloads: users' crypt4gh public keys
from access.admin import keys as keys_admin  # noqa: E402, F401
