"""Admin of groups: groups with their managers and subgroups, memberships, invitations, extension requests.

Status changes, invitations and decisions go through the services (audited), as admin actions.
"""

from django.contrib import admin

from access.models import (
    ExtensionRequest,
    Group,
    GroupManager,
    GroupMembership,
    GroupMembershipEvent,
    Invitation,
)
from access.services.groups import (
    group_manager_add,
    group_manager_remove,
    membership_extend,
    membership_remove,
    membership_transition,
)
from access.services.groups_extensions import extension_decide
from access.services.groups_invitations import invitation_resend, invitation_revoke
from bigpicture.errors import UserError
from governance.admin import ReadOnlyAdmin
from governance.services import audit_record


class ReadOnlyTabular(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class ManagerInline(admin.TabularInline):
    model = GroupManager
    extra = 0
    autocomplete_fields = ("user",)
    readonly_fields = ("created",)

    def has_change_permission(self, request, obj=None):
        return False


class SubgroupInline(ReadOnlyTabular):
    model = Group
    fk_name = "parent"
    fields = ("name", "slug", "kind")
    verbose_name_plural = "subgroups"


class GroupMembershipInline(ReadOnlyTabular):
    model = GroupMembership
    fields = ("user", "source", "status", "expires_at", "updated")


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "parent", "kind", "entitlement_urn", "expiry_period", "expiry_grace")
    list_filter = ("kind", "organisation")
    search_fields = ("name", "slug", "entitlement_urn", "organisation__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("organisation", "parent")
    fields = ("organisation", "parent", "name", "slug", "kind", "description", "entitlement_urn",
              "expiry_period", "expiry_grace", "path")
    readonly_fields = ("path",)
    inlines = [ManagerInline, SubgroupInline, GroupMembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="group.change" if change else "group.create", target=obj,
                     detail={field: str(form.cleaned_data.get(field)) for field in form.changed_data})

    def save_formset(self, request, form, formset, change):
        if formset.model is not GroupManager:
            return super().save_formset(request, form, formset, change)
        links = formset.save(commit=False)
        for link in formset.deleted_objects:
            group_manager_remove(group=link.group, user=link.user, actor=request.user)
        for link in links:
            group_manager_add(group=form.instance, user=link.user, actor=request.user)


class EventInline(ReadOnlyTabular):
    model = GroupMembershipEvent
    fields = ("created", "action", "from_status", "to_status", "expires_at", "actor", "message")
    show_change_link = False


def _each(modeladmin, request, queryset, service, done: str) -> None:
    failed = []
    for item in queryset:
        try:
            service(item)
        except UserError as error:
            failed.append(f"{item}: {error}")
    modeladmin.message_user(request, "; ".join(failed) if failed else done)


@admin.register(GroupMembership)
class GroupMembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "group", "source", "status", "expires_at", "updated")
    list_filter = ("status", "source", "group__kind", "group__organisation")
    search_fields = ("user__username", "user__email", "group__name")
    inlines = [EventInline]
    actions = ["extend", "disable", "remove"]

    @admin.action(description="Extend (or enable) by the group's rule")
    def extend(self, request, queryset):
        _each(self, request, queryset, lambda m: membership_extend(membership=m, actor=request.user), "Extended.")

    @admin.action(description="Disable")
    def disable(self, request, queryset):
        _each(self, request, queryset, lambda m: membership_transition(membership=m, action="disable",
                                                                       actor=request.user), "Disabled.")

    @admin.action(description="Remove from the group")
    def remove(self, request, queryset):
        _each(self, request, queryset, lambda m: membership_remove(membership=m, actor=request.user), "Removed.")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "group", "status", "sent_at", "expires_at", "accepted_by")
    list_filter = ("status",)
    search_fields = ("email", "name", "group__name")
    actions = ["resend", "revoke"]

    @admin.action(description="Resend (a new link and expiry)")
    def resend(self, request, queryset):
        _each(self, request, queryset, lambda i: invitation_resend(invitation=i, actor=request.user), "Resent.")

    @admin.action(description="Revoke")
    def revoke(self, request, queryset):
        _each(self, request, queryset, lambda i: invitation_revoke(invitation=i, actor=request.user), "Revoked.")


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ("membership", "status", "created", "decided_by", "decided_at")
    list_filter = ("status",)
    actions = ["approve", "reject"]

    @admin.action(description="Approve (extend by the group's rule)")
    def approve(self, request, queryset):
        _each(self, request, queryset, lambda r: extension_decide(request=r, approve=True, actor=request.user),
              "Approved.")

    @admin.action(description="Reject")
    def reject(self, request, queryset):
        _each(self, request, queryset, lambda r: extension_decide(request=r, approve=False, actor=request.user),
              "Rejected.")
