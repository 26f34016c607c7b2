"""The official MetaFleX 2.0.0 XSDs, the one place tests find them: ../shared/metaflex-2.0.0.

They are not part of the repository (never copy them in). Without them a test
is skipped and says why, except with CI=true, where it fails.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from metaflex.schema import BUNDLE_FILES
from tests.servicekit.ci import skip_or_fail

XSD_DIR = Path(__file__).resolve().parents[3] / "shared" / "metaflex-2.0.0"


def xsd_dir() -> Path:
    if not (XSD_DIR / "BP.common.xsd").is_file():
        skip_or_fail(f"the official MetaFleX XSDs are not at {XSD_DIR} "
                     "(check out ../shared next to the repository)")
    return XSD_DIR


@cache
def _load(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


def official_schema(name: str) -> etree.XMLSchema:
    """The XSD of one bundle file, by its short name ("dataset", "sample", ...)."""
    return _load(xsd_dir() / f"BP.{name}.xsd")


def xsd_errors(name: str, document: etree._ElementTree | Path) -> list[str]:
    """What `XMLSchema` says about one file ([] when valid)."""
    tree = document if isinstance(document, etree._ElementTree) else etree.parse(str(document))
    schema = official_schema(name)
    return [] if schema.validate(tree) else [f"{e.line}: {e.message}" for e in schema.error_log]


def assert_bundle_xsd_valid(root: Path) -> list[str]:
    """Every MetaFleX XML file of the bundle at `root` is valid; returns the names of the files checked."""
    checked = []
    for bundle_file in BUNDLE_FILES:
        path = root / bundle_file.path
        if not path.exists():
            assert not bundle_file.required, f"{bundle_file.path} is missing"
            continue
        assert not xsd_errors(bundle_file.name, path), f"{bundle_file.path}: {xsd_errors(bundle_file.name, path)}"
        checked.append(bundle_file.name)
    return checked
