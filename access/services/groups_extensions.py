"""Extension requests: a member asks, a manager of the group approves (extends by the group's rule) or
rejects; the member hears the decision.

    pending -> approved | rejected
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from access.models import ExtensionRequest, ExtensionStatus, GroupMembership, MembershipStatus, User
from access.services.groups import membership_extend
from access.services.groups_mail import group_mail
from bigpicture.errors import UserError
from governance.services import audit_record


@transaction.atomic
def extension_request(*, membership: GroupMembership, user: User, message: str = "") -> ExtensionRequest:
    """The member of `membership` asks for an extension (while it is valid or within its grace period)."""
    membership = GroupMembership.objects.select_for_update().select_related("group").get(pk=membership.pk)
    if membership.user_id != user.pk:
        raise UserError("Only the member can ask to extend a membership.")
    if membership.status == MembershipStatus.DISABLED:
        raise UserError(f"Your membership of {membership.group.name} is disabled; ask its manager to add you again.")
    if membership.expires_at is None:
        raise UserError(f"Your membership of {membership.group.name} does not expire.")
    if membership.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        raise UserError(f"You asked to extend {membership.group.name} already; its manager will decide.")
    request = ExtensionRequest.objects.create(membership=membership, message=message.strip())
    audit_record(actor=user, action="group_extension.request", target=request,
                 detail={"group": membership.group_id, "expires_at": membership.expires_at})
    return request


@transaction.atomic
def extension_decide(*, request: ExtensionRequest, approve: bool, actor: User, message: str = "") -> ExtensionRequest:
    request = ExtensionRequest.objects.select_for_update().select_related(
        "membership__group", "membership__user").get(pk=request.pk)
    if request.status != ExtensionStatus.PENDING:
        raise UserError(f"This request was {request.get_status_display().lower()} already.")
    membership = request.membership
    if approve:
        membership = membership_extend(membership=membership, actor=actor,
                                       message=message or "Extension request approved")
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    request.decided_by, request.decided_at, request.decision_message = actor, timezone.now(), message.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_message"])
    audit_record(actor=actor, action=f"group_extension.{request.status}", target=request,
                 detail={"group": membership.group_id, "user": membership.user.username,
                         "expires_at": membership.expires_at, "message": request.decision_message})
    if membership.user.email:
        group_mail("extension_decided", to=[membership.user.email], dedupe_key=f"group-extension-{request.pk}",
                   context={"request": request, "membership": membership, "group": membership.group})
    return request
