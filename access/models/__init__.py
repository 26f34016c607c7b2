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

# login (OIDC identities, visas)
from access.models.identities import InboundVisa, OidcIdentity, VisaType
from access.models.organisations import Membership, Organisation, User
from access.models.tokens import ApiToken

# applications

# entitlements


__all__ = ["ApiToken", "Membership", "Organisation", "User"]
# groups
__all__ += ["ExtensionRequest", "ExtensionStatus", "Group", "GroupKind", "GroupManager", "GroupMembership",
            "GroupMembershipEvent", "Invitation", "InvitationStatus", "MembershipSource", "MembershipStatus"]
# login (OIDC identities, visas)
__all__ += ["InboundVisa", "OidcIdentity", "VisaType"]
