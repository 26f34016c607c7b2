"""Two first imports of the same bundle at once produce one dataset and one version.

Two real `manage.py import_metaflex` processes run against the test database and
start together at a barrier file. The dataset's (organisation, alias) rule and the
import's lock on it leave one dataset; the second import waits, then finds the
first's version and is refused as identical.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from access.models import Organisation
from metaflex import validate_bundle
from metaflex.types import Report
from repository import models as m
from repository.services.dataset_identity import dataset_create
from repository.services.import_errors import ImportRejected
from repository.synthetic.small import dicom_stub
from tests.access.factories import OrganisationFactory
from tests.repository.metaflex_bundles import BundleBuilder, E, build_bundle, copy_bundle
from tests.workerkit.process import ROOT, _database_url_of_test_db

# Django starts first (slow, and at different speeds), then each waits at the barrier.
CHILD = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    import django
    django.setup()
    from django.core.management import execute_from_command_line
    barrier, ready = Path(sys.argv[1]), Path(sys.argv[2])
    ready.touch()
    while not barrier.exists():
        time.sleep(0.005)
    execute_from_command_line(["manage.py", "import_metaflex", *sys.argv[3:]])
""")


def _bundle_with_many_images(base: Path, images: int) -> Path:
    """Enough images that one import's transaction spans the other's start (as real bundles do)."""
    builder = BundleBuilder(base)
    template = builder.find("image", "IMAGE[@alias='img1']")
    last_ref = builder.find("dataset", "DATASET/IMAGE_REF[@alias='img2']")
    for n in range(3, images + 3):
        image = template.__copy__()
        image.set("alias", f"img{n}")
        image.find("FILES").replace(image.find("FILES/FILE"), builder.file_el(
            f"IMAGES/IMAGE_img{n}/img{n}.dcm", dicom_stub(f"img{n}"), "dcm"))
        builder.trees["image"].append(image)
        last_ref.addnext(E("IMAGE_REF", alias=f"img{n}"))
        last_ref = last_ref.getnext()
    return builder.write()


def _start(bundle: Path, barrier: Path, ready: Path, log: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(barrier), str(ready), str(bundle)], cwd=ROOT,
                            env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_first_imports_at_once_make_one_dataset(tmp_path):
    source = _bundle_with_many_images(tmp_path / "source", 300)
    bundles = [copy_bundle(source, tmp_path / f"copy{n}") for n in (1, 2)]
    barrier = tmp_path / "go"
    env = {**os.environ, "DATABASE_URL": _database_url_of_test_db(), "MEDIA_ROOT": str(tmp_path / "media"),
           "DJANGO_SETTINGS_MODULE": "bigpicture.settings"}
    logs = [tmp_path / f"import{n}.log" for n in (1, 2)]
    ready = [tmp_path / f"ready{n}" for n in (1, 2)]
    processes = [_start(bundle, barrier, flag, log, env)
                 for bundle, flag, log in zip(bundles, ready, logs, strict=True)]
    try:
        deadline = time.monotonic() + 120
        while not all(flag.exists() for flag in ready):
            assert time.monotonic() < deadline, "the import processes did not start"
            assert all(p.poll() is None for p in processes), [log.read_text() for log in logs]
            time.sleep(0.01)
        barrier.touch()
        codes = [p.wait(timeout=300) for p in processes]
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
    outputs = [log.read_text() for log in logs]
    assert sorted(codes) == [0, 1], outputs
    published, refused = (outputs[codes.index(0)], outputs[codes.index(1)])
    assert "published" in published and "version 1" in published
    assert "identical to version 1" in refused and "Traceback" not in refused
    dataset = m.Dataset.objects.get()
    assert dataset.versions.count() == 1
    assert Organisation.objects.filter(name="Test Hospital").count() == 1


@pytest.mark.parametrize("with_organisation", [True, False])
def test_the_uniqueness_rule_is_the_last_line_of_defence(db, tmp_path, with_organisation):
    """A writer that skipped the lock still cannot make a second dataset: a clear problem instead."""
    bundle, _ = validate_bundle(build_bundle(tmp_path))
    organisation = OrganisationFactory() if with_organisation else None
    m.Dataset.objects.create(accession="bp-dataset-aaaaaa-aaaaaa", alias=bundle.dataset.alias,
                             organisation=organisation)
    with pytest.raises(ImportRejected) as rejected:
        dataset_create(bundle=bundle, accession="bp-dataset-bbbbbb-bbbbbb", organisation=organisation,
                       report=Report())
    [problem] = rejected.value.report.problems
    assert problem.rule == "dataset.duplicate" and problem.file == "METADATA/dataset.xml"
    assert m.Dataset.objects.count() == 1
