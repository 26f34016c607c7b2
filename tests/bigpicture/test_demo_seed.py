"""The demo seed creates one account per role, can log in, and is idempotent."""

import pydicom

from access.models import Organisation, User
from access.roles import Role
from bigpicture.demo import DEMO_ACCOUNTS, DEMO_DATASETS, demo_accounts_seed, demo_seed
from bigpicture.storage import storage_for
from governance.services import audit_chain_check
from repository.models import Dataset, DatasetStatus, ImageFile


def test_seed_twice_creates_nothing_new(db, client):
    demo_seed()
    counts = (User.objects.count(), Organisation.objects.count(), Dataset.objects.count())
    demo_seed()
    now = (User.objects.count(), Organisation.objects.count(), Dataset.objects.count())
    assert now == counts == (len(DEMO_ACCOUNTS), 1, len(DEMO_DATASETS))
    catalogue = client.get("/datasets/").content.decode()
    for spec in DEMO_DATASETS:
        assert spec.title.replace("&", "&amp;") in catalogue


def test_demo_datasets_hold_real_dicom(db, django_capture_on_commit_callbacks):
    # A db test never commits: run the commit hooks that move staged files into storage.
    with django_capture_on_commit_callbacks(execute=True):
        demo_seed()
    assert set(Dataset.objects.values_list("status", flat=True)) == {DatasetStatus.RELEASED}
    assert set(Dataset.objects.values_list("latest_version__is_clinical", flat=True)) == {True, False}

    image_file = ImageFile.objects.first()
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
