"""`make demo`: migrate, seed, then run the web server and a real Celery worker until Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from access.demo_oidc import demo_oidc_start
from bigpicture.celery import QUEUES
from bigpicture.demo import (
    DEMO_OTHER_TOOL,
    DEMO_WITHDRAWN,
    demo_access_seed,
    demo_crypt4gh_key,
    demo_public_base_url,
    demo_public_exports_wait,
    demo_seed,
    demo_submissions,
)
from governance.tasks import audit_chain_verify
from ingestion.demo import demo_clamd_start
from repository.models import Dataset, Image


class Command(BaseCommand):
    help = "Run the portal with demo data: web server on 127.0.0.1:8000 plus a Celery worker process."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--oidc-port", type=int, default=9400,
                            help="loopback port of the Life Science AAI stand-in (oidc-provider-mock)")

    def handle(self, *args, addr: str, oidc_port: int, **options):
        call_command("migrate", interactive=False, verbosity=0)
        demo_public_base_url(addr)
        demo_crypt4gh_key()  # before the web server and worker start, so they read it too
        clamd = demo_clamd_start()  # likewise: the worker scans through it
        oidc = demo_oidc_start(oidc_port)  # likewise: the web server logs in through it
        try:
            accounts = demo_seed()
            children = [self._start_worker(), self._start_web(addr)]
            audit_chain_verify.dispatch("demo worker")
            self._wait_for_web(addr, children)
            self.stdout.write("Sending the demo datasets through the pipeline (upload, scan, conversion to DICOM, "
                              "review, publication); this takes a minute or two ...")
            submissions = demo_submissions(base_url=f"http://{addr}")
            access = demo_access_seed()
            exports = demo_public_exports_wait()
            self._announce(addr, accounts, exports)
            self._announce_submissions(addr, submissions)
            self._announce_access(addr, access)
            for line in oidc.describe(f"http://{addr}"):
                self.stdout.write(line)
            self._wait(children)
        finally:
            oidc.stop()
            clamd.stop()

    def _start_worker(self) -> subprocess.Popen:
        log = open(settings.VAR_DIR / "worker.log", "ab")
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "bigpicture.celery", "worker", "-B",
             "-Q", ",".join(QUEUES), "--concurrency", "2", "--loglevel", "INFO",
             "--schedule", str(settings.VAR_DIR / "celerybeat-schedule"), "-n", "demo@%h"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def _start_web(self, addr: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "manage.py", "runserver", addr, "--noreload"],
                                start_new_session=True)

    def _wait_for_web(self, addr: str, children: list[subprocess.Popen], timeout: float = 60.0) -> None:
        host, port = addr.rsplit(":", 1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and all(child.poll() is None for child in children):
            try:
                socket.create_connection((host, int(port)), timeout=1).close()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"the demo's web server did not answer on {addr}; see the output above")

    def _announce_submissions(self, addr: str, demo) -> None:
        out = self.stdout
        out.write("Published by the pipeline from synthetic SVS and OME-TIFF uploads (see each submission's "
                  "steps, times and the lossless flag on its review page):")
        for submission in demo.published:
            where = f"/datasets/{submission.dataset.accession}/" if submission.dataset_id else \
                f"/submissions/{submission.pk}/review/"
            out.write(f"  http://{addr}{where}  {submission.title} ({submission.get_state_display().lower()})")
            out.write(f"      http://{addr}/submissions/{submission.pk}/review/  its pipeline steps")
        out.write("Ingestion (log in as steward, or as contributor):")
        if demo.awaiting:
            out.write(f"  http://{addr}/submissions/tickets/  the steward's queue: "
                      f"'{demo.awaiting.title}' is {demo.awaiting.get_state_display().lower()}")
            out.write(f"  http://{addr}/submissions/{demo.awaiting.pk}/review/  its review: report, preview, approve")
        if demo.returned:
            out.write(f"  http://{addr}/submissions/{demo.returned.pk}/  '{demo.returned.title}': "
                      f"{demo.returned.get_state_display().lower()}, with the steward's comment")
        out.write(f"  http://{addr}/submissions/new/  as contributor: create a submission, then pick the folder")
        out.write(f"      {demo.try_bundle}")
        out.write("      and watch each file's progress bar; close the tab half-way and pick it again to resume.")
        out.write("  The bulk uploader, with the contributor's token (made for this run, revoked on the next):")
        out.write(f"      .venv/bin/bigpicture-upload {demo.try_bundle} --url http://{addr} \\")
        out.write(f"          --token {demo.token} --parallel 4")
        out.write(f"  http://{addr}/account/tokens/  personal API tokens (the uploader's is listed there)")
        out.write("")

    def _announce(self, addr, accounts, exports: tuple[int, int]) -> None:
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS(f"Bigpicture portal demo: http://{addr}/"))
        out.write(f"Worker log: {settings.VAR_DIR / 'worker.log'}   Stop with Ctrl-C.")
        built, total = exports
        style = self.style.SUCCESS if built == total else self.style.WARNING
        out.write(style(f"Public metadata downloads (metaflex.zip) built by the worker: {built} of {total}"
                        + ("" if built == total else "; the rest follow, see the worker log")))
        out.write("Things to look at:")
        for alias, what in ((DEMO_OTHER_TOOL.alias, "imported from another tool's encrypted bundle, with warnings"),
                            (DEMO_WITHDRAWN.alias, "withdrawn: a tombstone page (HTTP 410)")):
            dataset = Dataset.objects.filter(alias=alias).first()
            if dataset:
                out.write(f"  http://{addr}/datasets/{dataset.accession}/  {what}")
        out.write(f"  http://{addr}/crypt4gh.pub  the repository's crypt4gh public key, for contributors")
        out.write(f"  http://{addr}/admin/  datasets, versions and status changes (read-only once published)")
        out.write(f"  http://{addr}/account/groups/  groups and expiry dates (as researcher); coordinator manages "
                  "'Digital pathology research' and the data managers (members, invitations, CSV, extensions)")
        out.write("Demo accounts (username / password):")
        for account in accounts:
            out.write(f"  {account.role.label:<18} {account.username:<12} {account.password}")
        out.write("")

    def _announce_access(self, addr: str, access) -> None:
        out = self.stdout
        out.write("Access (REMS-like applications, entitlements, GA4GH visas):")
        for name, application in access.applications.items():
            out.write(f"  http://{addr}/account/applications/{application.pk}/  the researcher's {name} application "
                      f"({application.get_state_display().lower()})")
        out.write(f"  http://{addr}/account/access/  as researcher: My access (entitlements, their end, View slides)")
        out.write(f"  http://{addr}/api/v1/permissions/researcher  as researcher: the GA4GH passport (signed visas; "
                  f"keys at /.well-known/jwks.json)")
        out.write(f"  http://{addr}/account/applications/queue/  as steward: the DAC's queue (assign, approve, reject)")
        out.write(f"  http://{addr}/account/reports/  as steward: turnaround per DAC, open applications by age, CSV")
        out.write("  As outsider: a landing page's 'Request access' opens the application form; slides stay closed")
        dataset = access.entitled
        version = dataset.latest_version
        image = Image.objects.filter(version=version).order_by("alias").first()
        if image is not None:
            out.write(f"  http://{addr}/images/{image.accession}/view  as researcher: the slide viewer")
            out.write(f"  http://{addr}/dicomweb/viewer/{image.accession}  as researcher: the same slide in "
                      f"dicom-microscopy-viewer, through DICOMweb at http://{addr}/dicomweb/")
        out.write(f"  http://{addr}/webdav/  as researcher: the datasets to mount (WebDAV, user researcher, an API "
                  f"token as password)")
        out.write(f"  http://{addr}/downloads/datasets/{dataset.accession}/v{version.number}/manifest.tsv  as "
                  f"researcher: the download manifest (files crypt4gh-encrypted to the researcher's key)")
        out.write(f"      decrypt with: crypt4gh decrypt --sk {access.secret_key} < FILE.c4gh > FILE")
        out.write("")

    def _wait(self, children: list[subprocess.Popen]) -> None:
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
        for child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
        self.stdout.write("Demo stopped.")
        if not stopping:
            raise SystemExit("a demo process exited unexpectedly; see the output above")
