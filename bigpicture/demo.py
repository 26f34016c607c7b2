"""The demo's seed data. Idempotent: running it again reuses what exists.

Later issues extend `demo_seed` with their own content.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from crypt4gh.keys import get_public_key
from crypt4gh.keys.c4gh import generate as crypt4gh_keygen
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from access.models import Organisation, User
from access.roles import Role
from access.services import organisation_create, user_create
from access.services.groups_demo import groups_demo_seed
from ingestion.demo import demo_submissions_seed
from repository.models import Dataset, DatasetStatus
from repository.selectors.visibility import public_export_candidates
from repository.services.datasets import dataset_status_change
from repository.synthetic.bundles import BundleSpec, write_synthetic_bundle
from repository.synthetic.other_tool import OtherTool
from repository.tasks import public_export_build


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: Role
    name: str


DEMO_ACCOUNTS = (
    DemoAccount("contributor", "demo-contributor", Role.CONTRIBUTOR, "Clara Contributor"),
    DemoAccount("coordinator", "demo-coordinator", Role.NODE_COORDINATOR, "Nils Coordinator"),
    DemoAccount("steward", "demo-steward", Role.DATA_STEWARD, "Stina Steward"),
    DemoAccount("researcher", "demo-researcher", Role.RESEARCHER, "Rafael Researcher"),
    # A researcher with no applications: what an unentitled user sees.
    DemoAccount("outsider", "demo-outsider", Role.RESEARCHER, "Otto Outsider"),
    DemoAccount("admin", "demo-admin", Role.ADMIN, "Ada Admin"),
)
DEMO_ORGANISATION_SLUG = "demo-university-hospital"
DEMO_DATASETS = (
    BundleSpec(
        alias="demo-breast-biopsies", title="Core needle biopsies of the breast, H&E",
        short_name="DEMO-BREAST", clinical=True, cases=3, seed=1, image_files="svs",
        # Its policy allows the pipeline's previews as the landing page's sample images.
        policy_attributes=(("public_preview", "Allowed"),), landing_sample=False,
        description="Whole-slide images of H&E-stained core needle biopsies from women referred after "
                    "screening mammography, with summary diagnoses by a board-certified pathologist. "
                    "Synthetic demo data.",
        keywords=("breast", "biopsy", "carcinoma", "H&E"),
    ),
    BundleSpec(
        alias="demo-rat-liver-tox", title="Rat liver, 28-day repeat-dose toxicity study",
        short_name="DEMO-RAT-LIVER", clinical=False, cases=2, seed=2, image_files="ome",
        description="Liver sections from a 28-day oral toxicity study in Wistar Han rats, control and treated "
                    "groups, with histopathology findings. Indirect access only. Synthetic demo data.",
        keywords=("toxicology", "liver", "rat", "non-clinical"),
    ),
)


# A bundle as an outside tool writes it (its own spellings, schema locations, no observers, image
# facts only in the DICOM headers, files encrypted to the repository's crypt4gh key), imported
# without --organisation: the centre comes from its organisation.xml.
DEMO_OTHER_TOOL = OtherTool(name="DATASET_other_tool_demo", alias="demo-outside-tool-breast", observers=False)
# Published, then withdrawn: its landing page is a tombstone (HTTP 410) with the reason.
DEMO_WITHDRAWN = BundleSpec(
    alias="demo-withdrawn-colon", title="Colon resections, withdrawn at the contributor's request",
    short_name="DEMO-COLON", clinical=True, cases=1, seed=3, image_files="stub",
    description="A dataset that was published and then withdrawn. Synthetic demo data.",
)
DEMO_WITHDRAWAL_REASON = ("Withdrawn at the request of the contributing hospital: consent for two cases was "
                          "found to be incomplete. The accession stays reserved.")


def demo_seed() -> list[DemoAccount]:
    """What the demo has before its web server and worker run: accounts, and the datasets that show the
    admin's import (another tool's bundle; a withdrawn dataset). The main demo datasets come through
    the submission pipeline once the worker runs (`demo_submissions`)."""
    accounts = demo_accounts_seed()
    organisation = Organisation.objects.get(slug=DEMO_ORGANISATION_SLUG)
    groups_demo_seed(organisation=organisation, manager=User.objects.get(username="coordinator"),
                     members=[User.objects.get(username=name) for name in ("researcher", "contributor")])
    demo_datasets_seed(organisation=organisation)
    return accounts


DEMO_CRYPT4GH_PASSPHRASE = "demo-crypt4gh-passphrase"


def demo_public_base_url(addr: str) -> str:
    """The demo's public address (links in mail, GA4GH visas, catalogue items), exported to the
    web server and worker it starts, unless one is configured."""
    base = os.environ.get("PUBLIC_BASE_URL") or f"http://{addr}"
    os.environ.setdefault("PUBLIC_BASE_URL", base)
    os.environ.setdefault("EMAIL_LINK_BASE_URL", base)
    settings.PUBLIC_BASE_URL = os.environ["PUBLIC_BASE_URL"]
    settings.EMAIL_LINK_BASE_URL = os.environ["EMAIL_LINK_BASE_URL"]
    return base


def demo_crypt4gh_key() -> Path:
    """The demo's repository crypt4gh key (made once under VAR_DIR), unless one is configured.

    It is exported in the environment, so the web server and the worker the demo
    starts read the same key (and serve its public half at /crypt4gh.pub).
    """
    if settings.CRYPT4GH_SECRET_KEY_FILE:
        return Path(settings.CRYPT4GH_SECRET_KEY_FILE)
    folder = Path(settings.VAR_DIR) / "demo-crypt4gh"
    secret, public = folder / "repository.sec", folder / "repository.pub"
    if not secret.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        crypt4gh_keygen(str(secret), str(public), DEMO_CRYPT4GH_PASSPHRASE.encode(), b"Bigpicture portal demo")
    os.environ.update(CRYPT4GH_SECRET_KEY_FILE=str(secret), CRYPT4GH_PASSPHRASE=DEMO_CRYPT4GH_PASSPHRASE)
    settings.CRYPT4GH_SECRET_KEY_FILE, settings.CRYPT4GH_PASSPHRASE = secret, DEMO_CRYPT4GH_PASSPHRASE
    return secret


@transaction.atomic
def demo_accounts_seed() -> list[DemoAccount]:
    """The demo organisation and one account per role."""
    organisation = Organisation.objects.filter(slug=DEMO_ORGANISATION_SLUG).first()
    if organisation is None:
        organisation = organisation_create(
            name="Demo University Hospital", slug=DEMO_ORGANISATION_SLUG, country="SE",
            contact_email="pathology@demo-hospital.example", website="https://demo-hospital.example",
        )
    for account in DEMO_ACCOUNTS:
        if not User.objects.filter(username=account.username).exists():
            first, last = account.name.split(" ", 1)
            user_create(
                username=account.username, email=f"{account.username}@demo-hospital.example",
                password=account.password, organisation=organisation, roles=(account.role,),
                first_name=first, last_name=last,
            )
    return list(DEMO_ACCOUNTS)


def demo_datasets_seed(*, organisation: Organisation) -> None:
    """The datasets that show the admin's `import_metaflex`: another tool's encrypted bundle, and one
    published and then withdrawn."""
    if not Dataset.objects.filter(alias=DEMO_OTHER_TOOL.alias).exists():
        public_key = get_public_key(str(demo_crypt4gh_key().with_suffix(".pub")))
        tool = dataclasses.replace(DEMO_OTHER_TOOL, encrypt_to=public_key)
        with tempfile.TemporaryDirectory(prefix="bigpicture-demo-") as workdir:
            call_command("import_metaflex", str(tool.write(Path(workdir))),
                         changelog="Imported from another tool's bundle.", stdout=StringIO())
    if not Dataset.objects.filter(alias=DEMO_WITHDRAWN.alias, organisation=organisation).exists():
        with tempfile.TemporaryDirectory(prefix="bigpicture-demo-") as workdir:
            bundle = write_synthetic_bundle(Path(workdir), DEMO_WITHDRAWN)
            call_command("import_metaflex", str(bundle), organisation=organisation.slug, stdout=StringIO())
        dataset = Dataset.objects.get(alias=DEMO_WITHDRAWN.alias, organisation=organisation)
        dataset_status_change(dataset=dataset, status=DatasetStatus.WITHDRAWN, reason=DEMO_WITHDRAWAL_REASON)


def demo_submissions(*, base_url: str):
    """The ingestion demo (needs the web server and the worker running): see `ingestion.demo`."""
    organisation = Organisation.objects.get(slug=DEMO_ORGANISATION_SLUG)
    return demo_submissions_seed(base_url=base_url, organisation=organisation, published=DEMO_DATASETS,
                                 contributor=User.objects.get(username="contributor"),
                                 steward=User.objects.get(username="steward"),
                                 signatory=User.objects.get(username="coordinator"))


@dataclass(frozen=True)
class DemoAccess:
    applications: dict  # "approved" and "pending" Application
    entitled: Dataset  # the dataset the researcher may view, mount and download
    secret_key: Path  # the researcher's crypt4gh secret key, for decrypting downloads


def demo_access_seed() -> DemoAccess:
    """Access applications (needs the demo datasets published): the researcher's approved application for
    the breast biopsies and a pending one for the outside tool's breast dataset, in the steward's queue;
    and the researcher's crypt4gh key pair, its public half registered for downloads."""
    from access.demo_applications import demo_applications_seed
    from access.demo_downloads import demo_download_key_seed

    researcher = User.objects.get(username="researcher")
    entitled = Dataset.objects.get(alias=DEMO_DATASETS[0].alias)
    applications = demo_applications_seed(
        dataset_accession=entitled.accession,
        pending_accession=Dataset.objects.get(alias=DEMO_OTHER_TOOL.alias).accession,
        researcher=researcher, steward=User.objects.get(username="steward"))
    secret = demo_download_key_seed(user=researcher, folder=Path(settings.VAR_DIR) / "demo-crypt4gh")
    return DemoAccess(applications=applications, entitled=entitled, secret_key=secret)


def demo_public_exports_wait(*, timeout: float = 120.0) -> tuple[int, int]:
    """Have the worker build the public metadata zips the demo lacks, and wait for them: (built, total).

    Publication already queued them; this catches a demo database from before,
    or one whose worker stopped before it got to them. Building twice is harmless.
    """
    for version_id in public_export_candidates().values_list("pk", flat=True):
        public_export_build.dispatch(version_id)
    deadline = time.monotonic() + timeout
    while public_export_candidates().exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    total = public_export_candidates(missing_only=False).count()
    return total - public_export_candidates().count(), total
