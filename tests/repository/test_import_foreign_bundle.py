"""A bundle written by hand to the official XSDs (not by our code) imports cleanly."""

from pathlib import Path

from repository import models as m
from repository.services import dataset_import

FIXTURE = Path(__file__).parent / "fixtures" / "xsd_bundle"


def test_hand_written_bundle_imports(db, tmp_path):
    import shutil

    bundle = shutil.copytree(FIXTURE, tmp_path / "bundle")
    result = dataset_import(bundle_dir=bundle)
    assert result.ok, result.report.format()
    version = result.version
    assert version.images_count == m.Image.objects.filter(version=version).count() > 0
    targets = {type(o.target).__name__ for o in m.Observation.objects.filter(version=version)}
    assert len(targets) == 7, targets
    assert m.AnnotationFile.objects.filter(annotation__version=version, filetype="json").exists()
