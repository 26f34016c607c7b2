"""Reads about a user's inbound GA4GH visas (stored at login by access.services.identities)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from access.models import InboundVisa, VisaType


def _trusted() -> Q:
    """Visas whose (iss, jku) pair is trusted now: a pair taken out of the settings stops counting at once."""
    trusted = Q(pk__in=[])
    for issuer, jku in settings.GA4GH_TRUSTED_VISA_ISSUERS:
        trusted |= Q(issuer=issuer, jku=jku)
    return trusted


def user_visas(user, *, valid_only: bool = False) -> QuerySet[InboundVisa]:
    """The user's stored visas; `valid_only`: from a trusted pair, asserted and not expired."""
    if not user or not user.is_authenticated:
        return InboundVisa.objects.none()
    visas = InboundVisa.objects.filter(user=user)
    if valid_only:
        now = timezone.now()
        visas = visas.filter(_trusted(), asserted__lte=now, expires__gt=now)
    return visas.order_by("type", "-expires")


def is_bona_fide(user) -> bool:
    """Is `user` a bona fide researcher: an active account with a valid, unexpired ResearcherStatus visa?"""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user_visas(user, valid_only=True).filter(type=VisaType.RESEARCHER_STATUS).exists()
