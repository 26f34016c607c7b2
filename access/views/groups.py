"""/account/groups/: the member's groups and extension requests; the manager's group page (members,
invitations, CSV invitations, extension decisions); /account/invitations/<token>/ to accept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.forms_groups import (
    DecisionForm,
    ExtensionRequestForm,
    InvitationCsvForm,
    InvitationForm,
    MemberAddForm,
)
from access.models import ExtensionRequest, Group, GroupMembership, Invitation
from access.selectors.groups import (
    group_invitations,
    group_members,
    group_memberships_all,
    managed_groups,
    may_manage_group,
    pending_extensions,
    user_by_name_or_email,
    user_memberships,
)
from access.services.groups import membership_add, membership_extend, membership_remove, membership_transition
from access.services.groups_extensions import extension_decide, extension_request
from access.services.groups_invitations import (
    InvitationRefused,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
    invitations_bulk_create,
)
from bigpicture.errors import UserError


def _act(request, service, *, done: str, to: str, **kwargs):
    """Run a service for a button; its UserError becomes the page's message. Redirects to `to`."""
    try:
        service()
    except UserError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(to, **kwargs)


def _managed(request, pk: int) -> Group:
    group = get_object_or_404(Group.objects.select_related("organisation", "parent"), pk=pk)
    if not may_manage_group(request.user, group):
        raise PermissionDenied("Only the managers of this group (or of a group above it) manage its members.")
    return group


@login_required
@require_GET
def my_groups(request):
    return render(request, "access/groups/my_groups.html", {
        "memberships": user_memberships(request.user), "managed": managed_groups(request.user),
        "extension_form": ExtensionRequestForm(),
    })


@login_required
@require_POST
def extension_request_view(request, pk: int):
    membership = get_object_or_404(GroupMembership.objects.select_related("group"), pk=pk, user=request.user)
    form = ExtensionRequestForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    return _act(request, lambda: extension_request(membership=membership, user=request.user, message=message),
                done=f"You asked to extend your membership of {membership.group.name}; its manager decides, "
                     "and you hear by mail.", to="access:groups")


def _detail(request, group: Group, *, status: int = 200, **forms):
    direct = group_memberships_all(group)
    direct_ids = {membership.user_id for membership in direct}
    return render(request, "access/groups/detail.html", {
        "group": group, "memberships": direct,
        "indirect": [user for user in group_members(group) if user.pk not in direct_ids],
        "subgroups": group.subgroups.order_by("name"), "invitations": group_invitations(group),
        "extensions": pending_extensions(group),
        "add_form": forms.get("add_form") or MemberAddForm(),
        "invite_form": forms.get("invite_form") or InvitationForm(),
        "csv_form": forms.get("csv_form") or InvitationCsvForm(),
        "csv_problems": forms.get("csv_problems", []),
    }, status=status)


@never_cache
@login_required
@require_GET
def group_detail(request, pk: int):
    return _detail(request, _managed(request, pk))


@login_required
@require_POST
def member_add(request, pk: int):
    group = _managed(request, pk)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        user = user_by_name_or_email(form.cleaned_data["user"])
        if user is None:
            form.add_error("user", "No active account has that username or email; invite them by email instead.")
        else:
            membership_add(group=group, user=user, actor=request.user)
            messages.success(request, f"{user.get_username()} is a member of {group.name}.")
            return redirect("access:group", pk=group.pk)
    return _detail(request, group, add_form=form, status=400)


# action -> (service, what the message says happened)
MEMBER_ACTIONS = {
    "disable": (lambda membership, actor: membership_transition(membership=membership, action="disable",
                                                                actor=actor, message="Disabled by a manager"),
                "disabled"),
    "extend": (lambda membership, actor: membership_extend(membership=membership, actor=actor,
                                                           message="Extended by a manager"), "extended"),
    "remove": (lambda membership, actor: membership_remove(membership=membership, actor=actor), "removed"),
}
INVITATION_ACTIONS = {"resend": (invitation_resend, "resent"), "revoke": (invitation_revoke, "revoked")}


@login_required
@require_POST
def member_action(request, pk: int, membership_pk: int, action: str):
    group = _managed(request, pk)
    membership = get_object_or_404(GroupMembership.objects.select_related("user"), pk=membership_pk, group=group)
    if action not in MEMBER_ACTIONS:
        raise Http404(f"Unknown action {action!r}.")
    service, done = MEMBER_ACTIONS[action]
    return _act(request, lambda: service(membership, request.user),
                done=f"The membership of {membership.user.get_username()} is {done}.", to="access:group",
                pk=group.pk)


@login_required
@require_POST
def invitation_create_view(request, pk: int):
    group = _managed(request, pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitation_create(group=group, email=form.cleaned_data["email"],
                                           name=form.cleaned_data["name"], actor=request.user)
        except UserError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("access:group", pk=group.pk)
    return _detail(request, group, invite_form=form, status=400)


@login_required
@require_POST
def invitations_csv(request, pk: int):
    group = _managed(request, pk)
    form = InvitationCsvForm(request.POST, request.FILES)
    if form.is_valid():
        result = invitations_bulk_create(group=group, text=form.cleaned_data["file"], actor=request.user)
        if not result.problems:
            messages.success(request, f"{len(result.invitations)} invitations sent.")
            return redirect("access:group", pk=group.pk)
        return _detail(request, group, csv_form=form, csv_problems=result.problems, status=400)
    return _detail(request, group, csv_form=form, status=400)


@login_required
@require_POST
def invitation_action(request, pk: int, invitation_pk: int, action: str):
    group = _managed(request, pk)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, group=group)
    if action not in INVITATION_ACTIONS:
        raise Http404(f"Unknown action {action!r}.")
    service, done = INVITATION_ACTIONS[action]
    return _act(request, lambda: service(invitation=invitation, actor=request.user),
                done=f"The invitation of {invitation.email} is {done}.", to="access:group", pk=group.pk)


@login_required
@require_POST
def extension_decide_view(request, pk: int, request_pk: int):
    group = _managed(request, pk)
    extension = get_object_or_404(ExtensionRequest, pk=request_pk, membership__group=group)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or reject.")
        return redirect("access:group", pk=group.pk)
    decision = form.cleaned_data["decision"]
    return _act(request, lambda: extension_decide(request=extension, approve=decision == "approve",
                                                  actor=request.user, message=form.cleaned_data["message"]),
                done=f"Extension request {decision}d.", to="access:group", pk=group.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token: str):
    try:
        invitation = invitation_for_token(token)
        if request.method == "POST":
            membership = invitation_accept(token=token, user=request.user)
            messages.success(request, f"You are a member of {membership.group.name}.")
            return redirect("access:groups")
    except InvitationRefused as error:
        return render(request, "access/groups/invitation.html", {"refused": str(error)}, status=410)
    return render(request, "access/groups/invitation.html", {"invitation": invitation})
