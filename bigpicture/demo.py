"""The demo's seed data. Idempotent: running it again reuses what exists.

Later issues extend `demo_seed` with their own content.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from access.models import Organisation, User
from access.roles import Role
from access.services import organisation_create, user_create
from repository.models import Dataset
from repository.selectors.visibility import public_export_candidates
from repository.synthetic.bundles import BundleSpec, write_synthetic_bundle
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
    DemoAccount("admin", "demo-admin", Role.ADMIN, "Ada Admin"),
)
DEMO_ORGANISATION_SLUG = "demo-university-hospital"
DEMO_DATASETS = (
    BundleSpec(
        alias="demo-breast-biopsies", title="Core needle biopsies of the breast, H&E",
        short_name="DEMO-BREAST", clinical=True, cases=3, seed=1,
        description="Whole-slide images of H&E-stained core needle biopsies from women referred after "
                    "screening mammography, with summary diagnoses by a board-certified pathologist. "
                    "Synthetic demo data.",
        keywords=("breast", "biopsy", "carcinoma", "H&E"),
    ),
    BundleSpec(
        alias="demo-rat-liver-tox", title="Rat liver, 28-day repeat-dose toxicity study",
        short_name="DEMO-RAT-LIVER", clinical=False, cases=2, seed=2,
        description="Liver sections from a 28-day oral toxicity study in Wistar Han rats, control and treated "
                    "groups, with histopathology findings. Indirect access only. Synthetic demo data.",
        keywords=("toxicology", "liver", "rat", "non-clinical"),
    ),
)


def demo_seed() -> list[DemoAccount]:
    """Everything the demo shows: accounts, then datasets imported from synthetic bundles."""
    accounts = demo_accounts_seed()
    demo_datasets_seed(organisation=Organisation.objects.get(slug=DEMO_ORGANISATION_SLUG))
    return accounts


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
    """Write the synthetic demo bundles (real DICOM WSI) and publish them with import_metaflex."""
    for spec in DEMO_DATASETS:
        if Dataset.objects.filter(alias=spec.alias, organisation=organisation).exists():
            continue
        with tempfile.TemporaryDirectory(prefix="bigpicture-demo-") as workdir:
            bundle = write_synthetic_bundle(Path(workdir), spec)
            call_command("import_metaflex", str(bundle), organisation=organisation.slug,
                         changelog="Initial release of the demo dataset.", stdout=StringIO())


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
