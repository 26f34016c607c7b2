"""The demo seed creates one account per role, can log in, and is idempotent."""

import pydicom
import pytest

from access.models import Organisation, User
from access.roles import Role
from bigpicture.demo import (
    DEMO_ACCOUNTS,
    DEMO_DATASETS,
    DEMO_OTHER_TOOL,
    DEMO_WITHDRAWAL_REASON,
    DEMO_WITHDRAWN,
    demo_accounts_seed,
    demo_seed,
)
from bigpicture.storage import storage_for
from governance.services import audit_chain_check
from repository.models import Dataset, DatasetStatus, ImageFile
from tests.repository.crypt4gh_keys import key_files


@pytest.fixture(autouse=True)
def _demo_key(settings, tmp_path):
    """A configured key, so the demo does not make its own and export it to later tests."""
    secret, _ = key_files(tmp_path)
    settings.CRYPT4GH_SECRET_KEY_FILE, settings.CRYPT4GH_PASSPHRASE = secret, ""


def test_seed_twice_creates_nothing_new(db, client):
    demo_seed()
    counts = (User.objects.count(), Organisation.objects.count(), Dataset.objects.count())
    demo_seed()
    now = (User.objects.count(), Organisation.objects.count(), Dataset.objects.count())
    # The outside tool's bundle brings its own centre (from its organisation.xml). The main demo
    # datasets are not imported: run_demo sends them through the submission pipeline.
    assert now == counts == (len(DEMO_ACCOUNTS), 2, 2)
    catalogue = client.get("/datasets/").content.decode()
    assert "another tool" in catalogue and DEMO_WITHDRAWN.title not in catalogue
    assert not Dataset.objects.filter(alias__in=[spec.alias for spec in DEMO_DATASETS]).exists()
    assert {spec.image_files for spec in DEMO_DATASETS} == {"svs", "ome"}  # scanner files, not DICOM


def test_the_demo_shows_an_outside_tools_bundle_and_a_tombstone(db, client):
    demo_seed()
    other = Dataset.objects.get(alias=DEMO_OTHER_TOOL.alias)
    assert other.organisation.name == "Other Tool Hospital"
    assert other.latest_version.summary["policy"]["type_of_dataset"] == "Clinical/Pseudonymized"
    withdrawn = Dataset.objects.get(alias=DEMO_WITHDRAWN.alias)
    page = client.get(f"/datasets/{withdrawn.accession}/")
    assert page.status_code == 410 and DEMO_WITHDRAWAL_REASON in page.content.decode()
    assert "BEGIN CRYPT4GH PUBLIC KEY" in client.get("/crypt4gh.pub").content.decode()


def test_imported_demo_datasets_hold_real_dicom(db, django_capture_on_commit_callbacks):
    # A db test never commits: run the commit hooks that move staged files into storage.
    with django_capture_on_commit_callbacks(execute=True):
        demo_seed()
    assert set(Dataset.objects.values_list("status", flat=True)) == {DatasetStatus.RELEASED, DatasetStatus.WITHDRAWN}
    image_file = ImageFile.objects.filter(image__version__dataset__alias=DEMO_OTHER_TOOL.alias).first()
    with storage_for("archive").open(image_file.storage_name) as handle:
        dataset = pydicom.dcmread(handle)
    assert dataset.SOPClassUID == "1.2.840.10008.5.1.4.1.1.77.1.6"  # VL Whole Slide Microscopy Image


def test_every_role_has_an_account_that_logs_in(db, client):
    accounts = demo_accounts_seed()
    assert {account.role for account in accounts} == set(Role)
    for account in accounts:
        user = User.objects.get(username=account.username)
        assert user.has_role(account.role)
        assert client.login(username=account.username, password=account.password)
        client.logout()


def test_seed_is_audited(db):
    demo_accounts_seed()
    report = audit_chain_check()
    assert report.ok and report.rows_checked >= len(DEMO_ACCOUNTS)
