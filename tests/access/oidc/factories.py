"""Stored inbound visas, for tests that need a bona fide researcher without a login."""

from datetime import timedelta

import factory
from django.utils import timezone

from access.models import InboundVisa, VisaType
from tests.access.factories import UserFactory

TRUSTED_ISSUER = "https://visas.example.org/"
TRUSTED_JKU = "https://visas.example.org/jwks.json"
BONA_FIDE = "https://doi.org/10.1038/s41431-018-0219-y"


class InboundVisaFactory(factory.django.DjangoModelFactory):
    """A ResearcherStatus visa from TRUSTED_ISSUER|TRUSTED_JKU; pair it with
    `settings.GA4GH_TRUSTED_VISA_ISSUERS = [(TRUSTED_ISSUER, TRUSTED_JKU)]`."""

    class Meta:
        model = InboundVisa

    user = factory.SubFactory(UserFactory)
    type = VisaType.RESEARCHER_STATUS
    value = BONA_FIDE
    source = "https://elixir-europe.org/"
    by = "so"
    asserted = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    expires = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    issuer = TRUSTED_ISSUER
    jku = TRUSTED_JKU
    passport_issuer = "https://login.aai.lifescience-ri.eu/oidc/"
    jti = factory.Sequence(lambda n: f"visa-{n}")
    raw = "eyJ.test.visa"
