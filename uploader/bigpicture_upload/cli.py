"""`bigpicture-upload <bundle_dir> --url URL --token TOKEN [...]`: the command line.

Exit codes: 0 every file verified; 1 an upload or verification failed (the
report names each file); 2 the bundle is invalid (nothing was sent); 3 usage,
token or connection problems. Messages, never tracebacks, for all of them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from rich.console import Console

from . import __version__
from .client import PortalClient, token_from
from .errors import EXIT_FAILED, EXIT_INVALID, EXIT_OK, EXIT_USAGE, ApiError, UploadError, UsageError
from .limit import RateLimit, rate_parse
from .local import bundle_validate
from .progress import Bars, Progress
from .report import RunReport
from .state import submission_remember, submission_remembered
from .transfer import Transfer

EDITABLE_STATES = frozenset({"draft", "uploading", "returned"})


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2, which means "invalid bundle" here
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="bigpicture-upload", description="Validate a MetaFleX bundle locally, then upload it to a "
                "Bigpicture portal: parallel, resumable (run the same command again), checked end to end.")
    p.add_argument("bundle_dir", type=Path, help="the bundle folder (with METADATA/, IMAGES/, PRIVATE/, ...)")
    p.add_argument("--url", default=os.environ.get("BIGPICTURE_URL"),
                   help="the portal, e.g. https://portal.example.org ($BIGPICTURE_URL)")
    p.add_argument("--token", help="a personal API token from the portal ($BIGPICTURE_TOKEN)")
    p.add_argument("--organisation", help="organisation slug for a new submission (needed if you have several)")
    p.add_argument("--title", help="title of a new submission (default: the bundle folder's name)")
    p.add_argument("--submission", help="upload into this submission id instead of the remembered one")
    p.add_argument("--new-submission", action="store_true", help="start a new submission even if one is remembered")
    p.add_argument("--parallel", type=int, default=4, metavar="N", help="files sent at once (default 4)")
    p.add_argument("--limit-rate", type=_rate, metavar="RATE",
                   help="at most this many bytes per second in all, e.g. 500k, 20M (default: no limit)")
    p.add_argument("--submit", action="store_true", help="submit for review once every file is verified")
    p.add_argument("--wait", type=float, default=900, metavar="SECONDS",
                   help="how long to wait for the portal to verify the files (default 900)")
    p.add_argument("--json", action="store_true", help="print one machine-readable JSON report, no bars")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def _rate(text: str) -> float:
    try:
        return rate_parse(text)
    except (ValueError, IndexError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a rate; use e.g. 500k, 20M or 1G") from None


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    report = RunReport(url=(args.url or "").rstrip("/"))
    started = time.monotonic()
    try:
        code = _run(args, report)
    except UploadError as error:
        report.error, code = str(error), error.exit_code
    except OSError as error:
        report.error, code = f"{error.filename or ''}: {error.strerror or error}", EXIT_FAILED
    except KeyboardInterrupt:
        report.error, code = "interrupted; run the same command again to resume", EXIT_FAILED
    report.seconds = time.monotonic() - started
    _print(args, report)
    return code


def _run(args: argparse.Namespace, report: RunReport) -> int:
    token = token_from(args.token)
    if not args.url:
        raise UsageError("--url is required (or set $BIGPICTURE_URL)")
    if not token:
        raise UsageError("--token is required (or set $BIGPICTURE_TOKEN)")
    if args.parallel < 1:
        raise UsageError("--parallel must be at least 1")
    bundle = args.bundle_dir
    if not bundle.is_dir():
        raise UsageError(f"{bundle} is not a folder; give the bundle's folder (DATASET_<name>/)")

    console = Console()
    show = not (args.json or args.quiet) and sys.stdout.isatty()
    if show:
        with console.status(f"Validating {bundle} (every file's SHA-256) ..."):
            files, validation = bundle_validate(bundle)
    else:
        files, validation = bundle_validate(bundle)
    if files is None:
        report.validation = validation.to_json()
        if not args.json:
            print(validation.format())
        report.error = "the bundle is invalid; nothing was uploaded. Fix the problems above and run again."
        return EXIT_INVALID
    if validation.problems and not args.json and not args.quiet:
        print(validation.format())

    client = PortalClient(args.url, token)
    me = client.me()
    submission = _submission(args, client, me, bundle)
    report.submission = submission
    bars = Bars(console) if show else Progress()
    with bars:
        bars.overall(sum(f.size for f in files))
        transfer = Transfer(url=args.url, token=token, submission=submission, parallel=args.parallel,
                            progress=bars, limit=RateLimit(args.limit_rate))
        report.files = transfer.run(files, wait_seconds=args.wait)
    if not report.ok:
        return EXIT_FAILED
    if args.submit:
        try:
            answer = client.submission_action(submission, "submit")
        except ApiError as error:
            report.error = f"every file is verified, but submitting failed: {error}"
            return EXIT_FAILED
        report.submission_state = (answer or {}).get("state", "")
    return EXIT_OK


def _submission(args: argparse.Namespace, client: PortalClient, me: dict, bundle: Path) -> str:
    """The submission to upload into: --submission, else the remembered one, else a new one."""
    if args.submission:
        try:
            found = client.submission_get(args.submission)
        except ApiError as error:
            if error.status not in (403, 404):
                raise
            raise UsageError(f"submission {args.submission} is not on {client.url}, or your account may not "
                             "upload to it; check the id, or leave out --submission") from None
        _check_editable(found)
        submission_remember(args.url, bundle, args.submission)
        return args.submission
    remembered = None if args.new_submission else submission_remembered(args.url, bundle)
    if remembered:
        try:
            found = client.submission_get(remembered)
        except ApiError as error:
            if error.status != 404:
                raise
            found = None
        if found is not None:
            _check_editable(found)
            return remembered
    created = client.submission_create(organisation=_organisation(args, me), title=args.title or bundle.name)
    submission_remember(args.url, bundle, str(created["id"]))
    return str(created["id"])


def _check_editable(found: dict) -> None:
    if found.get("state") not in EDITABLE_STATES:
        raise UsageError(f"submission {found.get('id')} is {found.get('state')} and takes no more files; "
                         "pass --new-submission to start another one")


def _organisation(args: argparse.Namespace, me: dict) -> str:
    if args.organisation:
        return args.organisation
    listed = me.get("submission_organisations", me.get("organisations", []))
    slugs = [o.get("slug") if isinstance(o, dict) else str(o) for o in listed]
    slugs = [s for s in slugs if s]
    if len(slugs) == 1:
        return slugs[0]
    if not slugs:
        raise UsageError("your account belongs to no organisation that can submit; ask your node coordinator")
    raise UsageError(f"you belong to several organisations ({', '.join(slugs)}); choose one with --organisation")


def _print(args: argparse.Namespace, report: RunReport) -> None:
    if args.json:
        print(report.to_json())
        return
    text = report.format()
    if text:
        print(text, file=sys.stderr if report.error and not report.files else sys.stdout)
