"""is_bona_fide: a valid, unexpired ResearcherStatus visa from a pair trusted now."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from access.models import VisaType
from access.selectors.visas import is_bona_fide, user_visas
from tests.access.oidc.factories import TRUSTED_ISSUER, TRUSTED_JKU, InboundVisaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _trusted(settings):
    settings.GA4GH_TRUSTED_VISA_ISSUERS = [(TRUSTED_ISSUER, TRUSTED_JKU)]


def test_researcher_status_visa_makes_bona_fide():
    visa = InboundVisaFactory()
    assert is_bona_fide(visa.user)
    assert list(user_visas(visa.user, valid_only=True)) == [visa]


def test_expired_visa_does_not_count():
    visa = InboundVisaFactory(expires=timezone.now() - timedelta(seconds=1))
    assert not is_bona_fide(visa.user)
    assert list(user_visas(visa.user)) == [visa]  # still listed on the profile


def test_other_visa_types_do_not_count():
    visa = InboundVisaFactory(type=VisaType.AFFILIATION_AND_ROLE, value="faculty@uni.edu")
    assert not is_bona_fide(visa.user)


def test_pair_no_longer_trusted_stops_counting(settings):
    visa = InboundVisaFactory()
    settings.GA4GH_TRUSTED_VISA_ISSUERS = [(TRUSTED_ISSUER, "https://elsewhere.example.org/jwks.json")]
    assert not is_bona_fide(visa.user)


def test_deactivated_and_anonymous_users_are_not():
    visa = InboundVisaFactory()
    visa.user.is_active = False
    visa.user.save()
    assert not is_bona_fide(visa.user)
    assert not is_bona_fide(AnonymousUser())
    assert not is_bona_fide(None)
