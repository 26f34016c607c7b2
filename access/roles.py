"""The portal's roles. Each global role is a Django group of the same name.

Membership roles are held in one organisation (`access.Membership`).
"""

from django.db import models


class Role(models.TextChoices):
    CONTRIBUTOR = "contributor", "Contributor"
    NODE_COORDINATOR = "node_coordinator", "Node coordinator"
    DATA_STEWARD = "data_steward", "Data steward"
    RESEARCHER = "researcher", "Researcher"
    ADMIN = "admin", "Administrator"


class MembershipRole(models.TextChoices):
    CONTRIBUTOR = Role.CONTRIBUTOR.value, "Contributor"
    NODE_COORDINATOR = Role.NODE_COORDINATOR.value, "Node coordinator"
    # The organisation's legal signatory for agreements (the DSA).
    SIGNATORY = "signatory", "Signatory"


# Membership roles that let a user submit for the organisation.
SUBMITTING_ROLES = (MembershipRole.CONTRIBUTOR, MembershipRole.NODE_COORDINATOR)
