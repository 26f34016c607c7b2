"""Entitlements (who may use which dataset, from which application, until when) and the blacklist."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class EntitlementQuerySet(models.QuerySet):
    def active(self, *, now=None):
        """Rows in force now: not revoked and not past their end."""
        now = now or timezone.now()
        return self.filter(Q(end__isnull=True) | Q(end__gt=now), revoked_at__isnull=True, start__lte=now)


class Entitlement(models.Model):
    """One user's access to one dataset through one approved application. Rows are never deleted:
    ending access sets `end` (and `revoked_at` for a revoke). Kept by
    access.services.entitlements.entitlements_recompute."""

    dataset = models.ForeignKey("repository.Dataset", on_delete=models.PROTECT, related_name="entitlements")
    application = models.ForeignKey("access.Application", on_delete=models.PROTECT, related_name="entitlements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entitlements")
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    objects = EntitlementQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        indexes = [models.Index(fields=["user", "dataset"], name="entitlement_user_dataset")]

    def __str__(self) -> str:
        return f"{self.user} → {self.dataset} (application {self.application_id})"


class Blacklist(models.Model):
    """A user barred from one dataset (set by revoke, or by hand); their open applications are rejected."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blacklistings")
    dataset = models.ForeignKey("repository.Dataset", on_delete=models.CASCADE, related_name="blacklist")
    application = models.ForeignKey("access.Application", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    reason = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "blacklist"
        constraints = [models.UniqueConstraint(fields=["user", "dataset"], name="blacklist_user_dataset_unique")]

    def __str__(self) -> str:
        return f"{self.user} barred from {self.dataset}"
