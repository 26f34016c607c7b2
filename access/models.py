"""Users and the organisations they belong to."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from access.roles import Role


class Organisation(models.Model):
    """A contributing institution: a hospital, a university or a company."""

    name = models.CharField(max_length=255, unique=True)
    slug = models.SlugField(max_length=64, unique=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code")
    website = models.URLField(blank=True)
    contact_email = models.EmailField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
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
