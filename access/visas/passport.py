"""A user's GA4GH passport: one ControlledAccessGrants visa per entitlement in force."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from access.models import OidcIdentity
from access.selectors.permissions import entitlements_active, with_dac
from access.visas.keys import private_key_pem, visa_key_signing
from access.visas.signing import Grant, portal_url, visa_sign


def visa_subject(user) -> str:
    """The user's stable id: their first Life Science AAI `sub`, else `<portal id>@<portal host>`."""
    identity = OidcIdentity.objects.filter(user=user).order_by("created", "pk").first()
    if identity is not None:
        return identity.sub
    return f"{user.pk}@{urlsplit(settings.PUBLIC_BASE_URL).hostname}"


def user_grants(user, *, now) -> list[Grant]:
    """What the user's visas assert. Each expires when its entitlement ends, or after
    GA4GH_VISA_DEFAULT_SECONDS if that is sooner: a visa is a cut-off for new access, kept short."""
    sub = visa_subject(user)
    longest = now + timedelta(seconds=settings.GA4GH_VISA_DEFAULT_SECONDS)
    entitlements = (with_dac(entitlements_active(user=user, now=now)).filter(workflow_id__isnull=False)
                    .select_related("dataset", "application"))
    return [Grant(sub=sub,
                  value=portal_url(reverse("repository:landing_page", args=[entitlement.dataset.accession])),
                  source=portal_url(reverse("dac", args=[entitlement.workflow_id])),
                  asserted=entitlement.application.decided_at or entitlement.start,
                  expires=min(longest, entitlement.end) if entitlement.end else longest)
            for entitlement in entitlements.order_by("dataset__accession", "pk")]


def passport(user) -> dict:
    """`{"ga4gh_passport_v1": [visa JWT, ...]}`, signed with the current signing key."""
    now = timezone.now()
    grants = user_grants(user, now=now)
    if not grants:
        return {"ga4gh_passport_v1": []}
    key = visa_key_signing()
    pem = private_key_pem(key)
    return {"ga4gh_passport_v1": [visa_sign(grant, kid=key.kid, private_pem=pem, now=now) for grant in grants]}
