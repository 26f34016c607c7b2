"""Users, organisations, memberships and personal API tokens."""

from access.models.organisations import Membership, Organisation, User
from access.models.tokens import ApiToken

# login (OIDC identities, visas)

# groups

# applications

# entitlements


__all__ = ["ApiToken", "Membership", "Organisation", "User"]
