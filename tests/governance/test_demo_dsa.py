"""The demo's DSA seed lets the demo organisation submit, and running it twice adds nothing."""

from access.roles import Role
from access.services import organisation_create, user_create
from governance.demo import demo_dsa_seed
from governance.models import AgreementVersion, Signature
from governance.selectors import dsa_missing


def test_demo_dsa_seed_is_idempotent(transactional_db, storage_backend):
    hospital = organisation_create(name="Demo Hospital", slug="demo")
    coordinator = user_create(username="coordinator", email="c@example.org", password=None, organisation=hospital,
                              roles=(Role.NODE_COORDINATOR,))
    steward = user_create(username="steward", email="s@example.org", password=None, roles=(Role.DATA_STEWARD,))
    demo_dsa_seed(organisation=hospital, signatory=coordinator, steward=steward)
    demo_dsa_seed(organisation=hospital, signatory=coordinator, steward=steward)
    assert dsa_missing(hospital) is None
    assert AgreementVersion.objects.count() == 1 and Signature.objects.count() == 1
    assert len(storage_backend.objects("default")) == 1
