"""Where a user may submit: their organisations as contributor or node coordinator."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from access.models import Membership, Organisation
from access.roles import SUBMITTING_ROLES, MembershipRole, Role
from access.selectors.groups import data_manager_organisation_ids


def submission_organisations(user) -> QuerySet[Organisation]:
    """The organisations `user` may submit for.

    A contributor or node-coordinator membership gives its organisation; a node-coordinator
    membership in a node also gives the node's sites. The home organisation (`User.organisation`)
    with the global contributor or node-coordinator role counts as such a membership. The valid members
    of an organisation's data-manager group (access.selectors.groups) manage its datasets: they may submit
    new datasets and new versions for it.
    """
    if not user or not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    submitting = Membership.objects.filter(user=user, role__in=SUBMITTING_ROLES).values("organisation_id")
    coordinating = Membership.objects.filter(user=user, role=MembershipRole.NODE_COORDINATOR).values(
        "organisation_id")
    allowed = Q(pk__in=submitting) | Q(node_id__in=coordinating) | Q(pk__in=data_manager_organisation_ids(user))
    if user.organisation_id is not None:
        if user.has_role(Role.CONTRIBUTOR) or user.has_role(Role.NODE_COORDINATOR):
            allowed |= Q(pk=user.organisation_id)
        if user.has_role(Role.NODE_COORDINATOR):
            allowed |= Q(node_id=user.organisation_id)
    return Organisation.objects.filter(allowed)


def can_submit_for(user, organisation) -> bool:
    """May `user` submit datasets for `organisation`? (see `submission_organisations`)"""
    if organisation is None:
        return False
    return submission_organisations(user).filter(pk=organisation.pk).exists()
