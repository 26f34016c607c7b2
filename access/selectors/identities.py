"""Reads about a user's Life Science AAI identities."""

from django.db.models import QuerySet

from access.models import OidcIdentity


def user_identities(user) -> QuerySet[OidcIdentity]:
    if not user or not user.is_authenticated:
        return OidcIdentity.objects.none()
    return OidcIdentity.objects.filter(user=user).order_by("issuer", "sub")
