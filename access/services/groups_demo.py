"""Demo groups for `make demo`: the data managers, a research group with an expiring subgroup, and an
open invitation. Idempotent."""

from __future__ import annotations

from django.db import transaction

from access.demo_oidc import DEMO_ENTITLEMENT
from access.models import Group, Invitation, Organisation, User
from access.services.groups import group_create, group_manager_add, membership_add, organisation_data_managers
from access.services.groups_invitations import invitation_create


@transaction.atomic
def groups_demo_seed(*, organisation: Organisation, manager: User, members: list[User]) -> list[Group]:
    """`manager` manages and belongs to the data managers and manages the research group; `members` join
    its subgroup, whose memberships end after a year (14 days' grace)."""
    data_managers = organisation_data_managers(organisation)
    group_manager_add(group=data_managers, user=manager)
    membership_add(group=data_managers, user=manager, message="Demo")
    research = Group.objects.filter(organisation=organisation, slug="digital-pathology").first() or group_create(
        organisation=organisation, name="Digital pathology research", slug="digital-pathology",
        description="Researchers of the demo hospital.", entitlement_urn=DEMO_ENTITLEMENT)
    cohort = Group.objects.filter(organisation=organisation, slug="skin-cohort").first() or group_create(
        organisation=organisation, name="Skin cancer cohort", slug="skin-cohort", parent=research,
        expiry_period="+1y", expiry_grace="+14d", description="A project group: memberships last a year.")
    group_manager_add(group=research, user=manager)
    for member in members:
        membership_add(group=cohort, user=member, actor=manager, message="Demo")
    guest = "guest@demo-hospital.example"
    if not Invitation.objects.filter(group=cohort, email=guest).exists():
        invitation_create(group=cohort, email=guest, name="Guest Researcher", actor=manager)
    return [data_managers, research, cohort]
