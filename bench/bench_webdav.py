"""WebDAV: the bytes a remote reader fetches through /webdav/ to open a slide and read regions of it.

One published slide (real DICOM WSI from wsidicomizer, 8192 x 6144 at the base level) and an
entitled user with an API token. wsidicom opens it over fsspec's HTTP filesystem (bounded range
requests of one block each) on the file URLs of the share, then reads REGIONS regions of 512 x 512
pixels at the base level, at distinct places. The bytes are the response bodies the server sent,
counted by the in-process transport (tests/accesslayer/webdav/httpkit.py: the project's WSGI
application with its middleware, Basic authentication, the permission check and the audit; no
gunicorn, which would not change a byte). The baseline of each row is the size of what a client
without ranges would fetch: every instance to open the slide, the base-level instance per region.
Everything is written inside one transaction that is rolled back at the end.
BENCH_WEBDAV_REGIONS sets the regions per block size (default 12).
"""

from __future__ import annotations

import logging
import os
import random
import statistics
import tempfile
import time
from io import StringIO
from pathlib import Path, PurePosixPath

from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone
from fsspec.implementations.http_sync import HTTPFileSystem
from wsidicom import WsiDicom

from access.models import Application, ApplicationState, User
from access.services import token_create
from access.services.entitlements import entitlements_recompute
from bench.core import Goal, Outcome, Result
from bigpicture.storage import storage_settings
from repository.models import DatasetVersion, ImageFile
from repository.synthetic.bundles import BundleSpec, write_synthetic_bundle
from tests.accesslayer.webdav.httpkit import BASE, CountingTransport, WSGIAdapter, basic, connections_kept

REGIONS = int(os.environ.get("BENCH_WEBDAV_REGIONS") or 12)
BLOCKS_KIB = (16, 64, 256)
REGION = (512, 512)
GOAL_REGION_PERCENT = 10.0  # a region costs at most a tenth of its instance
SPEC = BundleSpec(alias="bench-webdav", title="WebDAV bench slide", short_name="WDB", description="One slide.",
                  cases=1, slide_width=8192, slide_height=6144, seed=97)


def _publish(workdir: Path) -> DatasetVersion:
    bundle = write_synthetic_bundle(workdir / "bundle", SPEC)
    with TestCase.captureOnCommitCallbacks(execute=True):  # archive objects move into place on commit
        call_command("import_metaflex", str(bundle), stdout=StringIO())
    return DatasetVersion.objects.select_related("dataset").get(alias=SPEC.alias, dataset__latest_version__isnull=False)


def _reader(version: DatasetVersion) -> User:
    user = User.objects.create(username=f"bench-webdav-{time.time_ns()}")
    application = Application.objects.create(applicant=user, state=ApplicationState.APPROVED,
                                             submitted_at=timezone.now(), decided_at=timezone.now())
    application.catalogue_items.add(version.dataset.catalogue_items.get(ended_at__isnull=True))
    entitlements_recompute(application=application)
    return user


def _measure(version: DatasetVersion, rows: list[ImageFile], headers: dict, block: int) -> dict:
    transport = CountingTransport()
    fs = HTTPFileSystem(block_size=block, skip_instance_cache=True, headers=headers)
    fs.session.mount("http://testserver/", WSGIAdapter(transport))
    image = rows[0].image.accession
    urls = [f"{BASE}{version.dataset.accession}/IMAGES/{image}/{PurePosixPath(row.filename).name}" for row in rows]
    streams = [fs.open(url, "rb", block_size=block) for url in urls]
    per_region, seconds = [], []
    try:
        with WsiDicom.open_streams(streams) as slide:
            opened, requests_opened = transport.sent, len(transport.requests)
            places = random.Random(block).sample(
                [(x, y) for x in range(0, slide.size.width - REGION[0], REGION[0])
                 for y in range(0, slide.size.height - REGION[1], REGION[1])], REGIONS)
            for place in places:
                before, start = transport.sent, time.perf_counter()
                slide.read_region(place, 0, REGION)
                seconds.append(time.perf_counter() - start)
                per_region.append(transport.sent - before)
    finally:
        for stream in streams:
            stream.close()
    return {"opened": opened, "requests_opened": requests_opened, "region": statistics.mean(per_region),
            "region_max": max(per_region), "region_ms": statistics.median(seconds) * 1000,
            "requests": (len(transport.requests) - requests_opened) / REGIONS}


def run() -> Outcome:
    call_command("migrate", verbosity=0)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per range request otherwise
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-webdav-") as workdir, \
            override_settings(STORAGES=storage_settings(backend="local", media_root=Path(workdir) / "media",
                                                        static_manifest=False)), \
            connections_kept(), transaction.atomic():
        version = _publish(Path(workdir))
        user = _reader(version)
        headers = basic(user.username, token_create(user=user, name="bench", days=1)[1])
        rows = list(ImageFile.objects.filter(image__version=version).order_by("filename"))
        total, base = sum(row.size for row in rows), max(row.size for row in rows)
        for kib in BLOCKS_KIB:
            got = _measure(version, rows, headers, kib * 1024)
            percent = 100 * got["region"] / base
            print(f"webdav: block {kib} KiB: open {got['opened']} B of {total} B ({got['requests_opened']} requests); "
                  f"region mean {got['region']:.0f} B (max {got['region_max']}) of {base} B = {percent:.1f} %, "
                  f"{got['requests']:.1f} requests, {got['region_ms']:.1f} ms")
            results += [
                Result(f"bytes to open the slide, block {kib} KiB", got["opened"], "bytes", total),
                Result(f"bytes per 512x512 base-level region, block {kib} KiB", got["region"], "bytes", base),
                Result(f"a region's bytes as a share of its instance, block {kib} KiB", percent, "%", None,
                       Goal(f"< {GOAL_REGION_PERCENT:g} %", "<", GOAL_REGION_PERCENT)),
                Result(f"range requests per region, block {kib} KiB", got["requests"], "requests"),
                Result(f"time per region in-process, median, block {kib} KiB", got["region_ms"], "ms")]
        transaction.set_rollback(True)
    return Outcome(results, notes=(
        f"One slide of {len(rows)} instances ({total} bytes; base level {base} bytes), read by wsidicom over "
        f"fsspec's HTTP filesystem on /webdav/ with Basic authentication; {REGIONS} regions of 512x512 at distinct "
        "places per block size. Baseline: the bytes a client without ranges fetches (every instance to open, "
        "the base-level instance per region)."), environment={"server": "in-process WSGI (httpx transport)"})
