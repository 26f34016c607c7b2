"""Users, organisations, memberships and personal API tokens."""

# login (OIDC identities, visas)
from access.models.identities import InboundVisa, OidcIdentity, VisaType
from access.models.organisations import Membership, Organisation, User
from access.models.tokens import ApiToken

# groups

# applications

# entitlements


__all__ = ["ApiToken", "InboundVisa", "Membership", "OidcIdentity", "Organisation", "User", "VisaType"]
