"""`manage.py dataset_status`: change a dataset's status from scripts, with clear errors and exit codes."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from governance.models import AuditEvent
from repository.models import DatasetStatus
from tests.repository.factories import DatasetVersionFactory
from tests.workerkit.process import _database_url_of_test_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dataset(db):
    return DatasetVersionFactory().dataset


def _run(*args) -> str:
    out = StringIO()
    call_command("dataset_status", *args, stdout=out)
    return out.getvalue()


def test_withdraw_with_a_reason(client, dataset):
    assert "is now withdrawn" in _run(dataset.accession, "withdrawn", "--reason", "Consent withdrawn.")
    dataset.refresh_from_db()
    assert (dataset.status, dataset.status_reason) == (DatasetStatus.WITHDRAWN, "Consent withdrawn.")
    assert AuditEvent.objects.get(action="dataset.withdrawn").detail["reason"] == "Consent withdrawn."
    assert client.get(f"/datasets/{dataset.accession}/").status_code == 410


def test_deprecate_then_release_again(dataset):
    _run(dataset.accession, "deprecated", "--reason", "Superseded by a corrected cohort.")
    assert "is now released" in _run(dataset.accession, "released")
    dataset.refresh_from_db()
    assert dataset.status == DatasetStatus.RELEASED


def test_the_same_status_again_changes_nothing(dataset):
    assert "already released" in _run(dataset.accession, "released")
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(("args", "message"), [
    (["bp-dataset-zzzzzz-zzzzzz", "withdrawn", "--reason", "x"], "no dataset with accession"),
    (["{accession}", "withdrawn"], "say why"),
    (["{accession}", "deprecated", "--reason", "  "], "say why"),
])
def test_refusals_name_the_problem(dataset, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*[arg.format(accession=dataset.accession) for arg in args])
    dataset.refresh_from_db()
    assert dataset.status == DatasetStatus.RELEASED


def test_withdrawn_cannot_come_back(dataset):
    _run(dataset.accession, "withdrawn", "--reason", "Consent withdrawn.")
    with pytest.raises(CommandError, match="is withdrawn; it cannot become released"):
        _run(dataset.accession, "released")


@pytest.mark.parametrize(("args", "code", "message"), [
    (["bp-dataset-zzzzzz-zzzzzz", "withdrawn", "--reason", "x"], 1, "no dataset with accession"),
    (["bp-dataset-zzzzzz-zzzzzz", "retracted"], 2, "invalid choice: 'retracted'"),
])
def test_exit_codes_and_no_traceback(db, args, code, message):
    env = {**os.environ, "DATABASE_URL": _database_url_of_test_db()}
    result = subprocess.run([sys.executable, "manage.py", "dataset_status", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == code, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
