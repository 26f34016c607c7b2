"""The demo's submissions, sent the way partners send them: the bulk uploader against the running demo.

`run_demo` calls `demo_submissions_seed` once the web server and the worker are up, so every step is
the real one: uploads over HTTP, then the worker's pipeline (checksum, malware scan by the demo's own
clamd, conversion of the synthetic SVS and OME-TIFF slides to de-identified DICOM, facts and
thumbnails), validation, and the steward's approval (the published demo datasets) or return.
Idempotent: submissions that exist are kept.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from access.models import ApiToken, Organisation, User
from access.services import token_create, token_revoke
from governance.demo import demo_dsa_seed
from ingestion.models import Submission
from ingestion.services.review import review_act
from ingestion.services.submissions import submission_transition
from ingestion.services.tickets import ticket_claim, ticket_comment_add
from ingestion.states import SubmissionState
from repository.models import Dataset
from repository.synthetic.bundles import BundleSpec, write_synthetic_bundle

DEMO_TOKEN_NAME = "demo bulk uploader"
# Submitted by the uploader and brought to review by the worker: waits in the steward's queue.
DEMO_AWAITING = BundleSpec(
    alias="demo-prostate-biopsies", title="Prostate needle biopsies, Gleason graded (demo submission)",
    short_name="DEMO-PROSTATE", clinical=True, cases=2, seed=11, image_files="svs",
    description="A submission waiting for a data steward's review. Synthetic demo data.",
)
# Submitted, then returned by the steward with a comment.
DEMO_RETURNED = BundleSpec(
    alias="demo-lung-resections", title="Lung adenocarcinoma resections (demo submission)",
    short_name="DEMO-LUNG", clinical=True, cases=1, seed=12, image_files="ome",
    description="A submission the steward returned to the contributor. Synthetic demo data.",
)
DEMO_RETURN_REASON = ("The stainings lack their staining procedure, and two slides have no block. Please add them "
                      "and replace staining.xml and sample.xml; the images need not be sent again.")
# Written to disk for a person to upload through the browser or with the uploader.
DEMO_TRY = BundleSpec(
    alias="demo-skin-excisions", title="Skin excisions, melanocytic lesions (upload it yourself)",
    short_name="DEMO-SKIN", clinical=True, cases=2, seed=13, image_files="svs",
    description="A bundle for trying the upload yourself. Synthetic demo data.",
)


@dataclass(frozen=True)
class DemoSubmissions:
    token: str
    try_bundle: Path
    awaiting: Submission | None
    returned: Submission | None
    published: list[Submission]


def demo_submissions_seed(*, base_url: str, organisation: Organisation, contributor: User, steward: User,
                          signatory: User, published: tuple[BundleSpec, ...] = ()) -> DemoSubmissions:
    demo_dsa_seed(organisation=organisation, signatory=signatory, steward=steward)
    token = _fresh_token(contributor)
    folder = Path(settings.VAR_DIR) / "demo-upload"
    done = [_published(spec, folder, base_url=base_url, token=token, organisation=organisation, steward=steward)
            for spec in published]
    awaiting = _submitted(DEMO_AWAITING, folder, base_url=base_url, token=token, organisation=organisation)
    returned = _submitted(DEMO_RETURNED, folder, base_url=base_url, token=token, organisation=organisation)
    if returned is not None and returned.state == SubmissionState.AWAITING_REVIEW:
        ticket = returned.ticket
        ticket_claim(ticket=ticket, actor=steward)
        ticket_comment_add(ticket=ticket, author=steward, body=DEMO_RETURN_REASON)
        submission_transition(submission=returned, action="return", actor=steward, message=DEMO_RETURN_REASON)
        returned.refresh_from_db()
    try_bundle = folder / f"DATASET_{DEMO_TRY.alias}"
    if not try_bundle.is_dir():
        write_synthetic_bundle(folder, DEMO_TRY)
    return DemoSubmissions(token=token, try_bundle=try_bundle, awaiting=awaiting, returned=returned,
                           published=[submission for submission in done if submission is not None])


def _published(spec: BundleSpec, folder: Path, *, base_url: str, token: str, organisation: Organisation,
               steward: User, timeout: float = 300.0) -> Submission | None:
    """Upload, let the pipeline convert, approve as the steward, and wait for the dataset to be published."""
    submission = _submitted(spec, folder, base_url=base_url, token=token, organisation=organisation,
                            timeout=timeout)
    if submission is None or submission.state != SubmissionState.AWAITING_REVIEW:
        return submission
    ticket_claim(ticket=submission.ticket, actor=steward)
    review_act(submission=submission, action="approve", actor=steward)
    deadline = time.monotonic() + timeout
    while submission.state == SubmissionState.PUBLISHING and time.monotonic() < deadline:
        time.sleep(0.5)
        submission.refresh_from_db()
    if submission.state != SubmissionState.PUBLISHED:
        print(f"demo: {spec.alias} is {submission.state} after approval; see {settings.VAR_DIR}/worker.log",
              file=sys.stderr)
    return submission


def _fresh_token(contributor: User) -> str:
    """A new uploader token for the contributor each run (printed once); the previous run's is revoked."""
    for old in ApiToken.objects.filter(user=contributor, name=DEMO_TOKEN_NAME, revoked_at__isnull=True):
        token_revoke(token=old, actor=contributor)
    _, plaintext = token_create(user=contributor, name=DEMO_TOKEN_NAME, days=30, actor=contributor)
    return plaintext


def _submitted(spec: BundleSpec, folder: Path, *, base_url: str, token: str, organisation: Organisation,
               timeout: float = 180.0) -> Submission | None:
    """Upload `spec`'s bundle with `bigpicture-upload --submit` and wait for the worker to bring it to review."""
    existing = Submission.objects.filter(title=spec.title, organisation=organisation).first()
    if existing is not None:
        return existing
    if Dataset.objects.filter(alias=spec.alias, organisation=organisation).exists():
        return None  # a demo database from before the datasets came through the pipeline
    sent = folder / "sent"
    shutil.rmtree(sent / f"DATASET_{spec.alias}", ignore_errors=True)  # from a run that stopped half-way
    bundle = write_synthetic_bundle(sent, spec)
    command = [str(Path(sys.executable).with_name("bigpicture-upload")), str(bundle), "--url", base_url,
               "--token", token, "--organisation", organisation.slug, "--title", spec.title,
               "--new-submission", "--submit", "--json"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"demo: the uploader did not finish {spec.alias} in {timeout:.0f} s; see {settings.VAR_DIR}/worker.log",
              file=sys.stderr)
        return None
    if done.returncode != 0:
        print(f"demo: the uploader failed for {spec.alias} (exit {done.returncode}):\n{done.stdout}{done.stderr}",
              file=sys.stderr)
        return None
    submission = Submission.objects.get(pk=json.loads(done.stdout)["submission"])
    deadline = time.monotonic() + timeout
    while submission.state not in (SubmissionState.AWAITING_REVIEW, SubmissionState.UPLOADING,
                                   SubmissionState.BLOCKED) and time.monotonic() < deadline:
        time.sleep(0.5)
        submission.refresh_from_db()
    return submission


def demo_clamd_start():
    """The demo's own clamd, with the project's test signatures (EICAR and a test marker): a real scan
    with no network for freshclam. Production runs clamd with the official signatures (README)."""
    import os

    from bigpicture.errors import TransientError
    from ingestion.scanning.clamd import clamd_ping
    from ingestion.scanning.server import ClamdServer, clamd_binary

    if clamd_binary() is None:
        raise SystemExit("the demo needs clamd for the malware scan: apt-get install clamav-daemon clamdscan "
                         "(make install does it as root)")
    server = ClamdServer(Path(settings.VAR_DIR) / "demo-clamd")
    try:
        clamd_ping(address=server.address)  # one left running by a demo that was killed: use it
    except TransientError:
        server.start()
    os.environ["CLAMD_ADDRESS"] = server.address
    settings.CLAMD_ADDRESS = server.address
    return server
