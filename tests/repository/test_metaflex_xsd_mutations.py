"""Generated mutation suite: for every small change to a valid file, we and `XMLSchema` agree.

Each MetaFleX file of two builder bundles and of the hand-written fixture is
mutated in many small ways (see `xsd_mutations.py`): dropped, duplicated and
renamed elements, every enumeration and typed value, nil where it is and is
not allowed, text where only elements may be, unknown and xsi attributes,
Unicode digits, trailing newlines... Our verdict (any XSD-level problem from
`EntityReader`, i.e. schema.*, xml.* and observation.target) must equal the
official XSD's, in both directions, and reading must never raise.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from metaflex.schema import BUNDLE_FILES, is_xsd_rule
from tests.repository.metaflex_bundles import BundleBuilder
from tests.repository.official_xsds import official_schema
from tests.repository.xsd_mutations import mutations, our_problems, roles, with_namespaces

FIXTURE = Path(__file__).parent / "fixtures" / "xsd_bundle"


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> dict[str, Path]:
    """Bundles to mutate; every one has all eleven files."""
    tmp = tmp_path_factory.mktemp("bases")
    return {"fixture": FIXTURE, "clinical": BundleBuilder(tmp / "c", clinical=True).write(),
            "non_clinical": BundleBuilder(tmp / "n", clinical=False).write()}


@pytest.mark.parametrize("bundle_file", BUNDLE_FILES, ids=[f.name for f in BUNDLE_FILES])
def test_mutations_agree_with_xmlschema(bases, tmp_path: Path, bundle_file) -> None:
    xsd = official_schema(bundle_file.name)
    target = tmp_path / Path(bundle_file.path).name
    seen: set[tuple[str, str]] = set()  # IMAGE[2] breaks the same way IMAGE[1] does, in every base
    disagreements: list[str] = []
    checked = 0
    for base, root in bases.items():
        original = with_namespaces(etree.parse(str(root / bundle_file.path)).getroot())
        base_bytes = etree.tostring(original, xml_declaration=True, encoding="UTF-8")
        target.write_bytes(base_bytes)  # the unmutated file first: both find it valid
        assert xsd.validate(etree.fromstring(base_bytes).getroottree()), (base, xsd.error_log)
        assert not our_problems(bundle_file, target), base
        for role in roles(etree.fromstring(base_bytes), bundle_file):
            for mutation in mutations(role):
                if (role.schema_path, mutation.name) in seen:
                    continue
                seen.add((role.schema_path, mutation.name))
                mutated = etree.fromstring(base_bytes)
                mutation.apply(mutated.getroottree().xpath(role.path)[0])
                data = etree.tostring(mutated, xml_declaration=True, encoding="UTF-8")
                target.write_bytes(data)
                ours = [p for p in our_problems(bundle_file, target) if is_xsd_rule(p.rule)]
                valid = xsd.validate(etree.fromstring(data).getroottree())
                if bool(ours) == valid:
                    theirs = "" if valid else xsd.error_log.last_error.message
                    disagreements.append(f"{base} {role.path} [{mutation.name}]: XSD "
                                         f"{'valid' if valid else 'invalid'} {theirs!r}; "
                                         f"ours {[f'{p.rule}: {p.message}' for p in ours]}")
                checked += 1
    assert not disagreements, f"{len(disagreements)} of {checked} mutations disagree:\n" + "\n".join(disagreements)
    assert checked >= 100
