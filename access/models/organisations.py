"""Users, the organisations they belong to, and their roles in each organisation."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from access.roles import MembershipRole, Role


class Organisation(models.Model):
    """A contributing institution: a hospital, a university or a company.

    A clinical site may be coordinated by a node (`node`); the node's coordinators may
    submit for its sites.
    """

    name = models.CharField(max_length=255, unique=True)
    slug = models.SlugField(max_length=64, unique=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code")
    website = models.URLField(blank=True)
    contact_email = models.EmailField(blank=True)
    node = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="sites",
                             help_text="The node that coordinates this clinical site, if any.")
    upload_quota_bytes = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Live upload bytes allowed; empty: INGESTION_DEFAULT_QUOTA_BYTES.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.node_id is None:
            return
        if self.node_id == self.pk:
            raise ValidationError({"node": "An organisation cannot be its own node."})
        if self.node.node_id is not None:
            raise ValidationError({"node": f"{self.node.name} is itself a site of {self.node.node.name}; "
                                           "choose a node, not a site."})
        if self.pk and self.sites.exists():
            raise ValidationError({"node": f"{self.name} coordinates sites, so it is a node and cannot be a site."})


class User(AbstractUser):
    # The user's home organisation. With a global contributor or node-coordinator role it
    # counts as a membership too (access.selectors.submission_organisations).
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )

    def has_role(self, role: Role) -> bool:
        if self.is_superuser and role == Role.ADMIN:
            return True
        return role.value in self.role_names

    @property
    def role_names(self) -> set[str]:
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return self._role_names


class Membership(models.Model):
    """A user's role in one organisation: contributor, node coordinator or signatory."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=MembershipRole.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "role", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "role"],
                                               name="access_one_membership_per_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"
