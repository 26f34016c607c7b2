"""An IMAGE whose FILES the contributor left empty: the portal converts the files of its folder
(IMAGES/IMAGE_<alias>/) and lists the DICOM it makes; the published bundle validates."""

from __future__ import annotations

import pytest
from lxml import etree

from ingestion.models import ConvertedFile, ImageJob
from ingestion.services.review import review_act
from ingestion.services.submissions import submission_transition
from ingestion.services.validation import submission_validate
from ingestion.states import SubmissionState
from metaflex import validate_bundle
from repository.models import ImageFile
from repository.services.exports import version_bundle_write
from tests.governance.factories import dsa_signed
from tests.ingestion.pipeline.pipeline_kit import bundle_image, bundle_uploaded, slide_bundle
from tests.ingestion.review_fixtures import *  # noqa: F401,F403

pytestmark = [pytest.mark.clamd, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def files_emptied(bundle) -> None:
    """Every IMAGE's FILES left empty in METADATA/image.xml; the image files stay in their folders."""
    listing = bundle / "METADATA" / "image.xml"
    tree = etree.parse(str(listing))
    for holder in tree.iter("FILES"):
        for child in list(holder):
            holder.remove(child)
        holder.text = None
    tree.write(str(listing), xml_declaration=True, encoding="UTF-8")


def test_an_image_with_empty_files_is_converted_and_published_with_its_dicom(storage_backend, eager, tmp_path,
                                                                             submission, contributor, steward):
    dsa_signed(submission.organisation)
    bundle = slide_bundle(tmp_path / "bundle", seed=23)
    source = bundle_image(bundle).relative_to(bundle).as_posix()
    files_emptied(bundle)
    assert b"<FILES/>" in (bundle / "METADATA" / "image.xml").read_bytes()
    bundle_uploaded(submission, bundle)

    submission_transition(submission=submission, action="submit", actor=contributor)
    submission_validate(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.AWAITING_REVIEW, submission.events.last().message
    job = ImageJob.objects.get(submission=submission, active=True)
    assert [f["filename"] for f in job.plan["files"]] == [source]
    outputs = list(ConvertedFile.objects.filter(job=job))
    assert outputs

    review_act(submission=submission, action="approve", actor=steward)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.PUBLISHED, submission.events.last().message
    published = ImageFile.objects.filter(image__version=submission.version)
    assert {f.filename for f in published} == {o.path for o in outputs}

    exported = version_bundle_write(version=submission.version, out_dir=tmp_path / "export")
    listed = [f.get("filename") for f in etree.parse(str(exported / "METADATA" / "image.xml")).iter("FILE")]
    assert sorted(listed) == sorted(o.path for o in outputs)
    again, report = validate_bundle(exported, allow_accessions=True)
    assert again is not None, report.format()
