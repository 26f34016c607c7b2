"""Users, organisations, memberships and personal API tokens; catalogue, applications and entitlements."""

from access.models.applications import (
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    ApplicationMember,
    ApplicationReviewer,
    ApplicationState,
    LicenseAcceptance,
)
from access.models.catalogue import (
    CatalogueItem,
    Form,
    FormField,
    FormFieldKind,
    License,
    LicenseKind,
    LicenseVersion,
    Workflow,
    WorkflowKind,
)
from access.models.entitlements import Blacklist, Entitlement

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

# downloads (users' crypt4gh public keys)
from access.models.keys import UserPublicKey
from access.models.organisations import Membership, Organisation, User

# pixel audit (tiles and frames)
from access.models.pixel_audit import PixelReadSession, PixelReadVia
from access.models.tokens import ApiToken

# applications: see the imports above (access.models.applications, catalogue)
# entitlements: see the imports above (access.models.entitlements), and the visa signing keys
from access.models.visas import VisaSigningKey

__all__ = ["ApiToken", "InboundVisa", "Membership", "OidcIdentity", "Organisation", "User", "VisaType",
           # applications
           "Application", "ApplicationAttachment", "ApplicationEvent", "ApplicationMember", "ApplicationReviewer",
           "ApplicationState", "CatalogueItem", "Form", "FormField", "FormFieldKind", "License",
           "LicenseAcceptance", "LicenseKind", "LicenseVersion", "Workflow", "WorkflowKind",
           # entitlements
           "Blacklist", "Entitlement"]
# groups
__all__ += ["ExtensionRequest", "ExtensionStatus", "Group", "GroupKind", "GroupManager", "GroupMembership",
            "GroupMembershipEvent", "Invitation", "InvitationStatus", "MembershipSource", "MembershipStatus"]
# entitlements: visa signing keys
__all__ += ["VisaSigningKey"]
# pixel audit (tiles and frames)
__all__ += ["PixelReadSession", "PixelReadVia"]
# downloads: users' crypt4gh public keys
__all__ += ["UserPublicKey"]

# access layer: DICOMweb
from access.models.dicomweb import DicomInstance  # noqa: E402

__all__ += ["DicomInstance"]
