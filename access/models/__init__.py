"""Users, organisations, memberships and personal API tokens."""

# groups
from access.models.groups import (
    ExtensionRequest,
    ExtensionStatus,
    Group,
    GroupKind,
    GroupManager,
    GroupMembership,
    GroupMembershipEvent,
    Invitation,
    InvitationStatus,
    MembershipSource,
    MembershipStatus,
)
from access.models.organisations import Membership, Organisation, User
from access.models.tokens import ApiToken

# login (OIDC identities, visas)

# applications

# entitlements


__all__ = ["ApiToken", "Membership", "Organisation", "User"]
# groups
__all__ += ["ExtensionRequest", "ExtensionStatus", "Group", "GroupKind", "GroupManager", "GroupMembership",
            "GroupMembershipEvent", "Invitation", "InvitationStatus", "MembershipSource", "MembershipStatus"]
