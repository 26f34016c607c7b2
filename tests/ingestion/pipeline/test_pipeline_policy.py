"""The dataset's image policy (POLICY label_image, overview_image, public_preview): read from the bundle
with the settings as defaults, applied by conversion and its check, recorded in each job's plan (a
changed policy converts again), and a public preview published as the landing page's sample image."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from types import SimpleNamespace

import pydicom
import pytest
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from lxml import etree
from PIL import Image
from pydicom.pixels import pixel_array

from bigpicture.storage import storage_for
from ingestion.models import ImageJob, PipelineStep, SubmissionFile
from ingestion.pipeline.policy import ImagePolicy, bundle_policy
from ingestion.services.landing_previews import PREVIEWS_MAX, previews_place
from ingestion.services.pipeline import file_uploaded
from ingestion.services.review import review_act
from ingestion.services.submissions import file_state_set, submission_transition
from ingestion.services.validation import submission_validate
from ingestion.slides.thumbnails import preview_jpeg
from ingestion.states import FileState, SubmissionState
from metaflex.types import Attribute, Entity
from repository.services.exports import dataset_export
from tests.governance.factories import dsa_signed
from tests.ingestion.pipeline.pipeline_kit import (
    FAKE_PATIENT,
    barcodes_of,
    bundle_uploaded,
    slide_bundle,
    stored_bytes_contain,
)
from tests.ingestion.review_fixtures import *  # noqa: F401,F403
from tests.repository.official_xsds import assert_bundle_xsd_valid, xsd_errors

POLICY_TAGS = ("label_image", "overview_image", "public_preview")


def _policy(**attributes: str) -> SimpleNamespace:
    """A bundle as `bundle_policy` reads it: its POLICY with these string attributes (tag spellings as given)."""
    return SimpleNamespace(policy=Entity("policy", "p", attributes=[Attribute("string", tag, value)
                                                                     for tag, value in attributes.items()]))


def test_policy_from_attributes_synonyms_and_the_settings(settings):
    assert bundle_policy(_policy()) == ImagePolicy("remove", "remove", public_preview=False)
    assert bundle_policy(_policy(label_image="Keep", overview_image="Blank", public_preview="Allowed")) == \
        ImagePolicy("keep", "blank", public_preview=True)
    # The profile's synonyms, of tags and of values, in any case and spacing.
    assert bundle_policy(_policy(Slide_Label="kept", macro_image="blanked", publish_preview="YES")) == \
        ImagePolicy("keep", "blank", public_preview=True)
    assert bundle_policy(_policy(label_image="removed", overview_image="keep", public_preview="not_allowed")) == \
        ImagePolicy("remove", "keep", public_preview=False)
    # Absent or unknown (the validator warns): the settings decide.
    settings.PIPELINE_LABEL_POLICY, settings.PIPELINE_OVERVIEW_POLICY = "keep", "blank"
    settings.PIPELINE_PUBLIC_PREVIEW = True
    assert bundle_policy(_policy(label_image="perhaps")) == ImagePolicy("keep", "blank", public_preview=True)
    assert bundle_policy(_policy(public_preview="no")) == ImagePolicy("keep", "blank", public_preview=False)


def test_an_unknown_policy_value_is_a_warning_naming_the_allowed_ones(tmp_path):
    from metaflex.validate import validate_bundle

    bundle = slide_bundle(tmp_path, image_files="stub", policy=(("overview_image", "smudge"),))
    _bundle, report = validate_bundle(bundle)
    assert not report.errors
    assert any("overview_image: 'smudge' is not allowed; use one of: Remove, Blank, Keep" in w.message
               for w in report.warnings)


def _job(alias: str, *, preview: bool, name: str = "") -> ImageJob:
    return ImageJob(image_alias=alias, preview_name=name or f"previews/{alias}.jpg",
                    plan={"policy": ImagePolicy("remove", "remove", public_preview=preview).as_plan()})


def _jpeg(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, format="JPEG")
    return out.getvalue()


def _placed(root: Path):
    def place(path: str, name: str) -> None:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(_jpeg("red"))
    return place


def test_previews_listed_as_sample_images_unless_the_contributor_gave_some(tmp_path):
    own = slide_bundle(tmp_path / "own", image_files="stub")
    before = (own / "LANDING_PAGE/landing_page.xml").read_bytes()
    assert previews_place(own, [_job("image-1", preview=True)], _placed(own)) == []
    assert (own / "LANDING_PAGE/landing_page.xml").read_bytes() == before  # the contributor's choice wins

    root = slide_bundle(tmp_path / "none", image_files="stub", landing_sample=False)
    assert previews_place(root, [_job("image-1", preview=False)], _placed(root)) == []
    # A file of the contributor's where a preview would go is left alone.
    (root / "LANDING_PAGE/PREVIEWS").mkdir(parents=True)
    (root / "LANDING_PAGE/PREVIEWS/image_1_x.jpg").write_bytes(b"theirs")
    jobs = [_job(f"image {n}/x", preview=True) for n in range(PREVIEWS_MAX + 2, 0, -1)]
    added = previews_place(root, jobs, _placed(root))
    assert added == ["LANDING_PAGE/PREVIEWS/image_1_x-2.jpg",
                     *(f"LANDING_PAGE/PREVIEWS/image_{n}_x.jpg" for n in range(2, PREVIEWS_MAX + 1))]
    assert (root / "LANDING_PAGE/PREVIEWS/image_1_x.jpg").read_bytes() == b"theirs"
    document = root / "LANDING_PAGE/landing_page.xml"
    assert xsd_errors("landing_page", document) == []
    files = etree.parse(str(document)).findall(".//SAMPLE_IMAGE_FILE")
    assert [f.get("filename") for f in files] == added
    assert files[0].get("checksum") == hashlib.sha256((root / added[0]).read_bytes()).hexdigest()


# -- through the pipeline ----------------------------------------------------------------------------

def chain(test):
    """The whole chain, eagerly in this process, with a real clamd."""
    for mark in (pytest.mark.clamd, pytest.mark.slow, pytest.mark.django_db(transaction=True)):
        test = mark(test)
    return test


def _submitted(submission, contributor):
    submission_transition(submission=submission, action="submit", actor=contributor)
    submission_validate(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.AWAITING_REVIEW, submission.events.last().message
    return submission


def _policy_sent_again(submission, bundle: Path, steward, **attributes: str) -> None:
    """The steward returns the submission; the contributor sends METADATA/policy.xml again with these
    policy attributes (and none of the others), as an upload of the same path replaces a file."""
    review_act(submission=submission, action="return", actor=steward, message="Check the image policy.")
    path = bundle / "METADATA/policy.xml"
    tree = etree.parse(str(path))
    holder = tree.find(".//ATTRIBUTES")
    for attribute in list(holder):
        if attribute.findtext("TAG") in POLICY_TAGS:
            holder.remove(attribute)
    for tag, value in attributes.items():
        element = etree.SubElement(holder, "STRING_ATTRIBUTE")
        etree.SubElement(element, "TAG").text, etree.SubElement(element, "VALUE").text = tag, value
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    data = path.read_bytes()
    old = SubmissionFile.objects.get(submission=submission, path="METADATA/policy.xml", state=FileState.READY)
    row = SubmissionFile(submission=submission, path=old.path, size=len(data), sha256=hashlib.sha256(data).hexdigest())
    row.storage_name = f"{submission.inbox_prefix}/{row.id}"
    with path.open("rb") as handle:
        storage_for("inbox").save(row.storage_name, File(handle))
    with transaction.atomic():
        file_state_set(file=old, state=FileState.REPLACED, message="Replaced by a new upload.")
        row.save()
        file_state_set(file=row, state=FileState.UPLOADED)
        submission_transition(submission=submission, action="upload")
        file_uploaded(row)


def _roles(job: ImageJob) -> dict[str, list]:
    roles: dict[str, list] = {}
    for output in job.outputs.all():
        roles.setdefault(output.role, []).append(output)
    return roles


def _read(name: str, folder: Path) -> Path:
    path = folder / Path(name).name
    with storage_for("inbox").open(name, "rb") as handle:
        path.write_bytes(handle.read())
    return path


@chain
def test_the_dataset_policy_keeps_or_removes_and_a_changed_one_converts_again(
        eager, local_storage, tmp_path, submission, contributor, steward, client):
    dsa_signed(submission.organisation)
    bundle = slide_bundle(tmp_path / "b", policy=(("label_image", "Keep"), ("overview_image", "Blank")))
    bundle_uploaded(submission, bundle)
    _submitted(submission, contributor)
    first = ImageJob.objects.get(submission=submission, active=True)
    assert first.plan["policy"] == {"label": "keep", "overview": "blank", "public_preview": False}
    roles = _roles(first)
    assert {"VOLUME", "LABEL", "OVERVIEW"} <= set(roles)  # kept and blanked, not removed as the settings say
    folder = tmp_path / "outputs"
    folder.mkdir()
    overview = pydicom.dcmread(_read(roles["OVERVIEW"][0].storage_name, folder))
    assert pixel_array(overview).min() >= 250 and overview.BurnedInAnnotation == "NO"
    label = pydicom.dcmread(_read(roles["LABEL"][0].storage_name, folder))
    assert pixel_array(label).std() > 1  # the label, as scanned
    # The preview is drawn from the VOLUME levels only: the label and overview change nothing in it.
    paths = [_read(o.storage_name, folder) for o in first.outputs.all()]
    volumes = [_read(o.storage_name, folder) for o in roles["VOLUME"]]
    with storage_for("inbox").open(first.preview_name, "rb") as handle:
        assert handle.read() == preview_jpeg(paths) == preview_jpeg(volumes)
    client.force_login(steward)
    page = client.get(reverse("ingestion:review", args=[submission.pk])).content.decode()
    assert "Dataset policy: label kept · overview blanked · preview not published" in page
    converted = PipelineStep.objects.get(job=first, name="convert").finished_at, first.outputs.count()

    # Only whether the preview is published changes: the job and its outputs are kept.
    _policy_sent_again(submission, bundle, steward, label_image="keep", overview_image="blank",
                       public_preview="yes")
    _submitted(submission, contributor)
    kept = ImageJob.objects.get(submission=submission, active=True)
    assert kept.pk == first.pk and kept.plan["policy"]["public_preview"] is True
    assert (PipelineStep.objects.get(job=kept, name="convert").finished_at, kept.outputs.count()) == converted

    # The label policy changes (the overview's is left to the settings: removed): converted again.
    _policy_sent_again(submission, bundle, steward, label_image="removed")
    _submitted(submission, contributor)
    second = ImageJob.objects.get(submission=submission, active=True)
    assert second.pk != first.pk and not ImageJob.objects.get(pk=first.pk).active
    assert second.plan["policy"] == {"label": "remove", "overview": "remove", "public_preview": False}
    assert set(_roles(second)) <= {"VOLUME", "THUMBNAIL"}
    page = client.get(reverse("ingestion:review", args=[submission.pk])).content.decode()
    assert "Dataset policy: label removed · overview removed · preview not published" in page
    api = client.get(f"/api/v1/submissions/{submission.pk}/pipeline/").json()
    assert api["images"][0]["policy"] == {"label": "remove", "overview": "remove", "public_preview": False}


@chain
def test_a_public_preview_is_published_as_the_landing_pages_sample_image(
        storage_backend, eager, tmp_path, submission, contributor, steward, client):
    dsa_signed(submission.organisation)
    bundle = slide_bundle(tmp_path / "b", policy=(("public_preview", "Allowed"),), landing_sample=False)
    barcodes = barcodes_of(bundle)
    bundle_uploaded(submission, bundle)
    _submitted(submission, contributor)
    job = ImageJob.objects.get(submission=submission, active=True)
    with storage_for("inbox").open(job.preview_name, "rb") as handle:
        preview = handle.read()
    assert storage_backend.objects("public") == set()
    review_act(submission=submission, action="approve", actor=steward)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.PUBLISHED, submission.events.last().message

    version = submission.version
    [sample] = version.summary["sample_images"]
    assert sample["filename"] == f"LANDING_PAGE/PREVIEWS/{job.image_alias}.jpg"
    assert f"public/{sample['name']}" in storage_backend.objects("public")
    assert (sample["width"], sample["height"]) == Image.open(io.BytesIO(preview)).size
    client.logout()
    page = client.get(reverse("repository:landing_page", args=[version.dataset.accession])).content.decode()
    url = reverse("repository:public_file", args=[sample["name"]])
    assert f'src="{url}"' in page
    assert "public_preview" not in page and "label_image" not in page  # processing instructions, not terms
    response = client.get(url)
    assert response.status_code == 200
    assert (b"".join(response.streaming_content) if response.streaming else response.content) == preview

    # The export is standard MetaFleX: it lists the preview as a sample image, and validates.
    exported = dataset_export(version=version, out_dir=tmp_path / "export", with_files=False)
    assert len(assert_bundle_xsd_valid(exported)) >= 5
    listed = etree.parse(str(exported / "LANDING_PAGE/landing_page.xml")).findall(".//SAMPLE_IMAGE_FILE")
    assert [f.get("checksum") for f in listed] == [hashlib.sha256(preview).hexdigest()]

    # No PHI anywhere in storage, the published preview included.
    needles = [FAKE_PATIENT.encode(), FAKE_PATIENT.replace("^", " ").encode(), *(b.encode() for b in barcodes)]
    assert barcodes
    assert stored_bytes_contain(storage_backend, ("archive", "public", "inbox"), needles) == []


@chain
def test_without_the_policy_no_preview_is_published(eager, local_storage, tmp_path, submission, contributor,
                                                   steward):
    dsa_signed(submission.organisation)
    bundle_uploaded(submission, slide_bundle(tmp_path / "b", landing_sample=False))
    _submitted(submission, contributor)
    before = _listed(local_storage / "public")
    assert ImageJob.objects.get(submission=submission, active=True).preview_name  # made, for the steward
    review_act(submission=submission, action="approve", actor=steward)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.PUBLISHED, submission.events.last().message
    assert submission.version.summary["sample_images"] == []
    # What publication adds to the public area is the metadata download only: no image.
    added = _listed(local_storage / "public") - before
    assert all(name.endswith(".zip") for name in added), added


def _listed(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()
