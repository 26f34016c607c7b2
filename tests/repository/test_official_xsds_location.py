"""The XSD cross-checks find the official XSDs in one place, and never skip silently in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.repository import official_xsds

TESTS = Path(__file__).resolve().parents[1]


def test_missing_xsds_skip_outside_ci_and_say_why(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(official_xsds, "XSD_DIR", tmp_path / "shared" / "metaflex-2.0.0")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="official MetaFleX XSDs are not at .*metaflex-2.0.0"):
        official_xsds.official_schema("dataset")


def test_missing_xsds_fail_in_ci(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(official_xsds, "XSD_DIR", tmp_path / "shared" / "metaflex-2.0.0")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run every test"):
        official_xsds.xsd_dir()


def test_no_other_test_looks_for_the_xsds_itself() -> None:
    here = Path(official_xsds.__file__).resolve()
    offenders = [str(p.relative_to(TESTS)) for p in TESTS.rglob("*.py")
                 if p.resolve() not in (here, Path(__file__).resolve())
                 and any(s in p.read_text() for s in ("metaflex-2.0.0", "XMLSchema(", '"shared"'))]
    assert offenders == []
