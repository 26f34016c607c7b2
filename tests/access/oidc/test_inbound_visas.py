"""ga4gh_passport_v1 visas at login: kept when signed by a trusted (iss, jku) pair, unexpired and
well-formed; others skipped and logged. Each login replaces the visas of the last."""

import logging

import jwt
import pytest

from access.demo_oidc import VisaSigner
from access.models import InboundVisa, OidcIdentity, VisaType
from access.selectors.visas import is_bona_fide
from tests.servicekit.oidc_provider import now

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.oidc]

SUB = "visas@lifescience-ri.eu"
BONA_FIDE = "https://doi.org/10.1038/s41431-018-0219-y"


def _login(client, oidc_portal, passport):
    oidc_portal.provider.user_set(SUB, {"email": "v@uni.example", "ga4gh_passport_v1": passport})
    assert oidc_portal.login(client, SUB)["Location"] == "/"
    return OidcIdentity.objects.get(sub=SUB).user


def test_valid_visa_is_kept_and_makes_bona_fide(client, oidc_portal):
    signer = oidc_portal.provider.visa_signer
    asserted = now() - 7 * 86400
    token = signer.sign(sub=SUB, type="ResearcherStatus", value=BONA_FIDE, source="https://ls.example/", by="so",
                        asserted=asserted)
    user = _login(client, oidc_portal, [token])
    visa = InboundVisa.objects.get(user=user)
    assert (visa.type, visa.value, visa.source, visa.by) == ("ResearcherStatus", BONA_FIDE, "https://ls.example/", "so")
    assert (visa.issuer, visa.jku, visa.raw) == (signer.issuer, signer.jku, token)
    assert int(visa.asserted.timestamp()) == asserted and visa.expires.timestamp() > now() + 86400
    assert visa.passport_issuer == oidc_portal.provider.issuer
    assert is_bona_fide(user)
    page = client.get("/account/").content.decode()
    assert BONA_FIDE in page and "bona fide researcher" in page


def test_untrusted_expired_and_malformed_visas_are_skipped(client, oidc_portal, caplog):
    signer = oidc_portal.provider.visa_signer
    stranger = VisaSigner(issuer="https://visas.stranger.example/", jku="https://visas.stranger.example/jwks.json")
    passport = [
        signer.sign(sub=SUB, type="AffiliationAndRole", value="faculty@uni.example", source="https://uni.example/"),
        stranger.sign(sub=SUB, type="ResearcherStatus", value=BONA_FIDE, source="https://stranger.example/"),
        signer.sign(sub=SUB, type="ResearcherStatus", value=BONA_FIDE, source="https://ls.example/",
                    asserted=now() - 90 * 86400, lifetime_seconds=-3600),
        _forged(signer, stranger),
        signer.sign(sub=SUB, type="ControlledAccessGrants", value="https://portal.example/datasets/x",
                    source="https://dac.example/", by="dac",
                    conditions=[[{"type": "AffiliationAndRole", "value": "const:faculty@uni.example"}]]),
        signer.sign(sub=SUB, type="ResearcherStatus", value=BONA_FIDE, source="https://ls.example/", by="anyone"),
        "not-a-jwt",
    ]
    with caplog.at_level(logging.WARNING, logger="access.oidc.visas"):
        user = _login(client, oidc_portal, passport)
    assert list(InboundVisa.objects.filter(user=user).values_list("type", flat=True)) == ["AffiliationAndRole"]
    assert not is_bona_fide(user)
    skipped = [record.getMessage() for record in caplog.records if "skipped" in record.getMessage()]
    assert len(skipped) == 6, skipped
    assert "is not a trusted pair" in skipped[0]
    assert "ExpiredSignatureError" in skipped[1]
    assert "InvalidSignatureError" in skipped[2]
    assert "conditions are not evaluated" in skipped[3]
    assert "'anyone' is not one of" in skipped[4]
    assert "not a JWT" in skipped[5]


def _forged(signer: VisaSigner, stranger: VisaSigner) -> str:
    """A visa under the trusted pair and its kid, signed with another key."""
    token = stranger.sign(sub=SUB, type="ResearcherStatus", value=BONA_FIDE, source="https://ls.example/")
    claims = jwt.decode(token, options={"verify_signature": False}) | {"iss": signer.issuer}
    return jwt.encode(claims, stranger.key, algorithm="RS256", headers={"jku": signer.jku, "kid": signer.kid})


def test_next_login_replaces_the_visas(client, oidc_portal):
    signer = oidc_portal.provider.visa_signer
    bona_fide = signer.sign(sub=SUB, type="ResearcherStatus", value=BONA_FIDE, source="https://ls.example/")
    user = _login(client, oidc_portal, [bona_fide])
    assert is_bona_fide(user)
    client.post("/accounts/logout/")

    terms = signer.sign(sub=SUB, type="AcceptedTermsAndPolicies", value="https://ls.example/aup", by="self",
                        source="https://ls.example/")
    _login(client, oidc_portal, [terms])
    assert list(InboundVisa.objects.filter(user=user).values_list("type", flat=True)) == [
        VisaType.ACCEPTED_TERMS_AND_POLICIES]
    assert not is_bona_fide(user)
    client.post("/accounts/logout/")

    _login(client, oidc_portal, [])
    assert not InboundVisa.objects.filter(user=user).exists()
