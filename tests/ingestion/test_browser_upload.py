"""A contributor uploads a bundle in a real browser (Debian's Chromium), with a real worker verifying it.

`contributor_uploads_bundle` is the contributor's half of the flow (log in, create, pick the folder,
see every file verified, check the bundle, replace one XML document, submit); the steward's half
(review and publish) extends it once the review pages are merged.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.urls import reverse

from access.roles import Role
from bigpicture.storage import storage_settings
from ingestion.models import Submission, SubmissionFile, UploadPart
from ingestion.states import FileState, SubmissionState
from tests.ingestion.contributor_kit import PASSWORD, contributor, person
from tests.repository.metaflex_bundles import BundleBuilder

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

MiB = 1024 * 1024
SETTLE_MS = 120_000

ALL_ROWS_SETTLED = """(count) => {
  const rows = [...document.querySelectorAll('#files-body tr.file-row')];
  return rows.length === count && rows.every(row => ['verified', 'scanned', 'error'].includes(row.dataset.state));
}"""

# The file steps passed (the scan follows the checksum; image steps wait for validation).
CHECKED = {"verified", "scanned"}

# A row whose file was replaced (a new id) and is verified.
REPLACED_AND_VERIFIED = """([path, oldId]) => {
  const row = [...document.querySelectorAll('#files-body tr.file-row')].find(row => row.dataset.path === path);
  return row && row.dataset.fileId !== oldId && ['verified', 'scanned'].includes(row.dataset.state);
}"""


@pytest.fixture
def upload_storage(settings, monkeypatch, tmp_path) -> Path:
    """Local storage in this test's folder, small parts, and the same for the worker (its environment)."""
    root = tmp_path / "media"
    settings.STORAGES = storage_settings(backend="local", media_root=root, static_manifest=False)
    settings.INGESTION_PART_SIZE = MiB
    for name, value in {"STORAGE_BACKEND": "local", "MEDIA_ROOT": str(root), "INGESTION_PART_SIZE": str(MiB)}.items():
        monkeypatch.setenv(name, value)
    return root


def log_in(page, live_server, user) -> None:
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def create_submission(page, live_server, title: str) -> Submission:
    page.goto(live_server.url + reverse("ingestion:create"))
    page.fill("#id_title", title)
    page.click("button:has-text('Create submission')")
    page.wait_for_selector("#drop-zone")
    return Submission.objects.get(title=title)


def bundle_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def pick_folder_and_wait(page, root: Path) -> None:
    """Pick the bundle's folder and wait until every file's row is verified (or in error)."""
    page.set_input_files("#pick-folder", str(root))
    page.wait_for_function(ALL_ROWS_SETTLED, arg=len(bundle_files(root)), timeout=SETTLE_MS)


def rows_by_path(page) -> dict[str, dict]:
    return page.eval_on_selector_all("#files-body tr.file-row", """rows => Object.fromEntries(rows.map(row => [
        row.dataset.path, {state: row.dataset.state, progress: row.querySelector('progress').value,
                           error: row.querySelector('.file-error').textContent.trim()}]))""")


def check_bundle(page) -> str:
    page.click("#check-bundle")
    page.wait_for_selector("#report:not([aria-busy])", timeout=SETTLE_MS)
    return page.inner_text("#report")


def contributor_uploads_bundle(page, live_server, user, builder: BundleBuilder) -> Submission:
    """The contributor's half: upload a bundle with one broken XML, see the report, replace it, submit.

    Returns the submission, submitted (validating or beyond): the steward's half continues from here.
    """
    good_dataset_xml = (builder.write() / "METADATA/dataset.xml").read_bytes()
    builder.remove("dataset", "DATASET/TITLE")
    root = builder.write()

    log_in(page, live_server, user)
    submission = create_submission(page, live_server, "Skin biopsies in the browser")
    pick_folder_and_wait(page, root)

    rows = rows_by_path(page)
    expected = {p.relative_to(root).as_posix() for p in bundle_files(root)}
    assert set(rows) == expected  # the picked folder's own name is not part of any path
    assert all(row["state"] in CHECKED and row["progress"] == 100 for row in rows.values()), rows
    assert page.inner_text("#overall-text").startswith("100%")
    assert "All files are uploaded and verified." in page.inner_text("#upload-status")
    # The first file moved the draft to "uploading": the page shows the new buttons without a reload.
    page.wait_for_selector("button:has-text('Submit for review')")

    report = check_bundle(page)
    assert "METADATA/dataset.xml" in report and "error" in report

    # Fix the one document: replace only METADATA/dataset.xml, from its row.
    (root / "METADATA/dataset.xml").write_bytes(good_dataset_xml)
    row = page.locator("#files-body tr.file-row[data-path='METADATA/dataset.xml']")
    row.locator(".replace-input").set_input_files(str(root / "METADATA/dataset.xml"))
    page.wait_for_function(REPLACED_AND_VERIFIED, arg=["METADATA/dataset.xml", row.get_attribute("data-file-id")],
                           timeout=SETTLE_MS)
    replaced = SubmissionFile.objects.filter(submission=submission, path="METADATA/dataset.xml")
    assert sorted(replaced.values_list("state", flat=True))[0] == FileState.REPLACED
    assert sorted(replaced.values_list("state", flat=True))[1] in CHECKED
    # Nothing else was sent again.
    assert SubmissionFile.objects.filter(submission=submission).count() == len(expected) + 1

    report = check_bundle(page)
    assert "No errors" in report, report

    page.click("button:has-text('Submit for review')")
    page.wait_for_load_state()
    assert "the submission is now validating" in page.inner_text(".messages").lower()
    submission.refresh_from_db()
    assert submission.state != SubmissionState.UPLOADING
    return submission


def steward_publishes(page, live_server, submission: Submission, media: Path) -> None:
    """The steward's half: the worker brings the submission to review; approve it; the landing page is live."""
    _wait_for_state(submission, SubmissionState.AWAITING_REVIEW)
    page.context.clear_cookies()
    steward = person(Role.DATA_STEWARD, username="steward")
    log_in(page, live_server, steward)
    page.goto(live_server.url + reverse("ingestion:tickets"))
    assert submission.title in page.inner_text("main")  # the ticket waits in the steward's queue
    page.goto(live_server.url + reverse("ingestion:review", args=[submission.pk]))
    assert page.frame_locator("iframe[title='Landing page preview']").locator("h1#dataset-title").is_visible()
    with page.expect_navigation():
        page.click("button:has-text('Approve and publish')")
    submission = _wait_for_state(submission, SubmissionState.PUBLISHED)
    assert not [p for p in (media / "inbox").rglob("*") if p.is_file()]  # the files moved to the archive
    assert any(p.is_file() for p in (media / "archive").rglob("*"))
    page.goto(f"{live_server.url}/datasets/{submission.dataset.accession}/")
    assert page.locator("h1#dataset-title").inner_text().strip() == submission.version.title.strip()


def _wait_for_state(submission: Submission, state: str, timeout: float = 120) -> Submission:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        submission.refresh_from_db()
        if submission.state == state:
            return submission
        time.sleep(0.5)
    raise AssertionError(f"submission still {submission.state}, not {state}: {list(submission.events.values_list('action', 'message'))}")


def test_contributor_uploads_a_bundle_fixes_one_document_and_submits(
        live_server, desktop_page, celery_worker, upload_storage, clamd_server, tmp_path):
    worker = celery_worker()
    user = contributor(username="contributor")
    try:
        submission = contributor_uploads_bundle(desktop_page, live_server, user,
                                                BundleBuilder(tmp_path / "bundles", slides=True))
        steward_publishes(desktop_page, live_server, submission, upload_storage)
    except Exception:
        print(worker.log())
        raise


def test_upload_resumes_after_the_tab_closed(live_server, chromium, celery_worker, upload_storage, tmp_path):
    worker = celery_worker()
    user = contributor()
    root = tmp_path / "DATASET_big"
    (root / "IMAGES/IMAGE_big").mkdir(parents=True)
    (root / "IMAGES/IMAGE_big/big.dcm").write_bytes(bytes(range(256)) * (8 * MiB // 256) + b"tail")
    (root / "METADATA").mkdir()
    (root / "METADATA/dataset.xml").write_text("<DATASET_SET/>\n")
    parts_total = 9  # 8 MiB and 4 bytes in 1 MiB parts

    # First visit: the network lets three parts through, then hangs; the tab is closed mid-upload.
    context = chromium.new_context()
    page = context.new_page()
    page.on("console", lambda message: print("console:", message.text))
    log_in(page, live_server, user)
    submission = create_submission(page, live_server, "A big one")
    let_through, held = 3, []

    def first_parts_only(route):
        nonlocal let_through
        if route.request.method == "PUT" and let_through > 0:
            let_through -= 1
            route.continue_()
        elif route.request.method == "PUT":
            held.append(route)  # never answered: the upload hangs here
        else:
            route.continue_()

    page.route("**/*", first_parts_only)
    page.set_input_files("#pick-folder", str(root))
    _wait_until(page, lambda: UploadPart.objects.filter(file__submission=submission).count() == 3 and held)
    context.close()
    big = SubmissionFile.objects.get(submission=submission, path="IMAGES/IMAGE_big/big.dcm")
    first_visit = set(big.parts.values_list("number", flat=True))
    assert big.state == FileState.REGISTERED and 0 < len(first_visit) < parts_total

    # Second visit: the page says how to resume; picking the same folder sends only the missing parts.
    context = chromium.new_context()
    page = context.new_page()
    log_in(page, live_server, user)
    page.goto(live_server.url + reverse("ingestion:detail", kwargs={"submission_id": submission.pk}))
    assert "Pick the same folder again" in page.inner_text("#resume-note")
    sent = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "PUT" else None)
    page.set_input_files("#pick-folder", str(root))
    try:
        page.wait_for_function(ALL_ROWS_SETTLED, arg=2, timeout=SETTLE_MS)
    except Exception:
        print(worker.log())
        raise
    context.close()

    big.refresh_from_db()
    assert big.state in CHECKED, big.error
    assert big.parts.count() == parts_total
    files_still_open_after_first_visit = SubmissionFile.objects.filter(submission=submission).count()
    # Each part was sent once, except at most one per file (the one in flight when the tab closed).
    assert len(sent) <= (parts_total - len(first_visit)) + files_still_open_after_first_visit, sent


def _wait_until(page, condition, timeout: float = 60) -> None:
    """Wait while letting Playwright run its handlers (a plain sleep would hold the route handler too)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("timed out")


def small_folder(base: Path, name: str = "DATASET_small", image_bytes: int = 3 * MiB) -> Path:
    """A folder with one metadata document and one image of `image_bytes` (not a valid bundle: uploads only)."""
    root = base / name
    (root / "IMAGES/IMAGE_a").mkdir(parents=True)
    (root / "IMAGES/IMAGE_a/a.dcm").write_bytes(bytes(range(256)) * (image_bytes // 256))
    (root / "METADATA").mkdir()
    (root / "METADATA/dataset.xml").write_text("<DATASET_SET/>\n")
    return root


def open_new_submission(chromium, live_server, title: str):
    context = chromium.new_context()
    page = context.new_page()
    log_in(page, live_server, contributor())
    return context, page, create_submission(page, live_server, title)


def test_a_part_lost_to_the_network_is_sent_again(live_server, chromium, celery_worker, upload_storage, tmp_path):
    celery_worker()
    root = small_folder(tmp_path)
    context, page, submission = open_new_submission(chromium, live_server, "Flaky network")
    puts = []

    def drop_the_second_put(route):
        if route.request.method == "PUT":
            puts.append(route.request.url)
            if len(puts) == 2:
                return route.abort("connectionreset")
        route.continue_()

    page.route("**/*", drop_the_second_put)
    page.set_input_files("#pick-folder", str(root))
    page.wait_for_function(ALL_ROWS_SETTLED, arg=2, timeout=SETTLE_MS)
    rows = rows_by_path(page)
    context.close()
    assert {row["state"] for row in rows.values()} <= CHECKED, rows
    # 3 parts of the image and 1 of the document, and the lost one once more.
    assert len(puts) == 3 + 1 + 1
    assert UploadPart.objects.filter(file__submission=submission).count() == 4


def test_dropping_one_document_replaces_only_that_file(live_server, chromium, celery_worker, upload_storage,
                                                        tmp_path):
    celery_worker()
    root = small_folder(tmp_path, image_bytes=MiB)
    context, page, submission = open_new_submission(chromium, live_server, "Drop a fix")
    page.set_input_files("#pick-folder", str(root))
    page.wait_for_function(ALL_ROWS_SETTLED, arg=2, timeout=SETTLE_MS)
    image_before = SubmissionFile.objects.get(submission=submission, path="IMAGES/IMAGE_a/a.dcm")
    old_document_id = page.get_attribute("tr.file-row[data-path='METADATA/dataset.xml']", "data-file-id")

    page.evaluate("""() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['<DATASET_SET><!-- fixed --></DATASET_SET>\\n'], 'dataset.xml', {type: 'text/xml'}));
      document.getElementById('drop-zone').dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true}));
    }""")
    page.wait_for_function(REPLACED_AND_VERIFIED, arg=["METADATA/dataset.xml", old_document_id], timeout=SETTLE_MS)
    context.close()
    documents = SubmissionFile.objects.filter(submission=submission, path="METADATA/dataset.xml")
    assert sorted(documents.values_list("state", flat=True))[0] == FileState.REPLACED
    assert sorted(documents.values_list("state", flat=True))[1] in CHECKED
    image = SubmissionFile.objects.get(submission=submission, path="IMAGES/IMAGE_a/a.dcm")
    assert image.pk == image_before.pk and image.parts.count() == 1  # not sent again


def test_a_refused_file_shows_the_servers_message_and_the_rest_goes_on(
        live_server, chromium, celery_worker, upload_storage, settings, tmp_path):
    celery_worker()
    settings.INGESTION_MAX_FILE_BYTES = 2 * MiB
    root = small_folder(tmp_path)
    context, page, submission = open_new_submission(chromium, live_server, "Too big")
    page.set_input_files("#pick-folder", str(root))
    page.wait_for_function(ALL_ROWS_SETTLED, arg=2, timeout=SETTLE_MS)
    rows = rows_by_path(page)
    status = page.inner_text("#upload-status")
    context.close()
    assert rows["METADATA/dataset.xml"]["state"] in CHECKED
    assert rows["IMAGES/IMAGE_a/a.dcm"]["state"] == "error"
    error = rows["IMAGES/IMAGE_a/a.dcm"]["error"]
    assert error.startswith("IMAGES/IMAGE_a/a.dcm is 3.0 MB") and "the largest file accepted is 2.0 MB" in error
    assert "1 file has a problem" in status
    assert not SubmissionFile.objects.filter(submission=submission, path="IMAGES/IMAGE_a/a.dcm").exists()
