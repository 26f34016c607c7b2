"""Long values import: the XSDs set no length limits, so titles, labels and names are stored whole.

Only an alias has a limit (it is an identifier); a longer one is a problem with
file, line and element. `import_metaflex` reports, never prints a traceback.
"""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DataError, IntegrityError

from bigpicture.errors import UserError
from bigpicture.storage import storage_settings
from metaflex.limits import MAX_ALIAS_LENGTH
from repository import models as m
from repository.services.import_errors import import_problem
from tests.repository.metaflex_bundles import BundleBuilder, E

TITLE = "Skin biopsies " * 43  # 602 characters
LABEL = "1.0-" + "r" * 116
SHORT_NAME = "NONCLIN-" + "X" * 142
LONG = "x" * 300
LINK = "https://rems.example.org/application?resource=" + "a" * 560
EMAIL = "owner." + "o" * 290 + "@example.org"
DEEP = "/".join(["d" * 120] * 9)  # a path longer than 1000 characters


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.STORAGES = storage_settings(backend="local", media_root=tmp_path / "media", static_manifest=False)


@pytest.fixture
def long_bundle(tmp_path):
    builder = BundleBuilder(tmp_path / "bundle", clinical=False)
    dataset = builder.find("dataset", "DATASET")
    dataset.find("TITLE").text = TITLE
    dataset.find("VERSION").text = LABEL
    dataset.find("SHORT_NAME").text = SHORT_NAME
    dataset.find("DATASET_OWNER_CONTACT_EMAIL").text = EMAIL
    for _ in range(40):
        dataset.find("DATASET_TYPE").addnext(E("DATASET_TYPE", "Whole slide imaging"))
    builder.find("rems", "REMS/WORKFLOW_ID").text = LONG
    builder.find("rems", "REMS/ORGANISATION_ID").text = LONG
    builder.find("organisation", "ORGANISATION/DATAMANAGER_PERUN_GROUP").text = LONG
    builder.find("organisation", "ORGANISATION/PIC_CODE").text = "0" * 60 + "999999999"
    builder.find("landing_page", "LANDING_PAGE/REMS_ACCESS_LINK").text = LINK
    files = builder.find("image", "IMAGE[@alias='img1']/FILES")
    old = files.find("FILE")
    files.replace(old, builder.file_el(f"IMAGES/IMAGE_img1/{DEEP}/img1.dcm",
                                       (builder.root / old.get("filename")).read_bytes(), "dcm"))
    (builder.root / old.get("filename")).unlink()
    return builder.write()


def test_long_values_are_stored_whole(db, long_bundle, tmp_path, client):
    report_path = tmp_path / "report.json"
    call_command("import_metaflex", str(long_bundle), "--json", str(report_path))
    assert json.loads(report_path.read_text())["ok"] is True
    version = m.DatasetVersion.objects.get()
    assert (version.title, version.version_label, version.short_name, version.contact_email) == (
        TITLE, LABEL, SHORT_NAME, EMAIL)
    assert version.dataset_type == "Whole slide imaging"  # 41 entries of one value
    assert len(version.fields["DATASET_TYPE"]) == 41  # the export keeps them all
    rems = m.RemsLink.objects.get(version=version)
    assert (rems.workflow_id, rems.organisation_id) == (LONG, LONG)
    assert m.DatasetOrganisation.objects.get(version=version).datamanager_perun_group == LONG
    assert m.LandingPage.objects.get(version=version).rems_access_link == LINK
    stored = m.ImageFile.objects.get(image__version=version, image__alias="img1")
    assert len(stored.filename) > 1000
    assert m.Accession.objects.filter(type="file", alias__startswith=stored.filename).exists()
    page = client.get(f"/datasets/{version.dataset.accession}/")
    assert page.status_code == 200 and TITLE.strip() in page.content.decode()


def test_a_too_long_alias_is_a_problem_with_file_line_and_element(db, tmp_path, capsys):
    builder = BundleBuilder(tmp_path / "bundle")
    long_alias = "being-" + "b" * MAX_ALIAS_LENGTH
    builder.find("sample", "BIOLOGICAL_BEING").set("alias", long_alias)
    for ref in builder.trees["sample"].xpath("//*[@alias='being1']"):
        ref.set("alias", long_alias)
    report_path = tmp_path / "report.json"
    with pytest.raises(CommandError, match="not imported"):
        call_command("import_metaflex", str(builder.write()), "--json", str(report_path))
    assert "Traceback" not in capsys.readouterr().err
    [problem] = json.loads(report_path.read_text())["problems"]
    assert problem["rule"] == "alias.too_long"
    assert (problem["file"], problem["element"]) == ("METADATA/sample.xml", "BIOLOGICAL_BEING")
    assert problem["line"] > 0 and f"at most {MAX_ALIAS_LENGTH} characters" in problem["message"]
    assert not m.Dataset.objects.exists()


def test_long_facet_values_that_share_their_start_do_not_collide(db, tmp_path):
    builder = BundleBuilder(tmp_path / "bundle")
    for alias, end in (("obsv1", "a"), ("obsv2", "b")):
        builder.find("observation", f"OBSERVATION[@alias='{alias}']//CODE_ATTRIBUTE/VALUE/MEANING").text = \
            "Melanoma " * 40 + end
    call_command("import_metaflex", str(builder.write()))
    version = m.DatasetVersion.objects.get()
    assert version.facets.filter(facet="diagnosis").count() == 1
    assert len(version.summary["diagnoses"]) == 2


def test_a_long_organisation_name_is_stored_but_not_linked(db, tmp_path):
    builder = BundleBuilder(tmp_path / "bundle")
    builder.find("organisation", "ORGANISATION/NAME").text = "Hospital " * 40
    call_command("import_metaflex", str(builder.write()))
    version = m.DatasetVersion.objects.get()
    assert m.DatasetOrganisation.objects.get(version=version).name == "Hospital " * 40
    assert version.dataset.organisation is None


def test_an_unwritable_json_report_is_a_message_not_a_traceback(db, long_bundle, tmp_path):
    with pytest.raises(CommandError, match="cannot write the JSON report .* was published"):
        call_command("import_metaflex", str(long_bundle), "--json", str(tmp_path / "no-such-dir" / "r.json"))


@pytest.mark.parametrize("error, rule", [
    (UserError("the bundle is identical to version 1"), "import.refused"),
    (ValidationError({"title": ["Ensure this value has at most 500 characters."]}), "import.invalid"),
    (DataError("value too long for type character varying(255)\n"), "import.database"),
    (IntegrityError("duplicate key value violates unique constraint"), "import.database"),
    (PermissionError(13, "Permission denied", "/bundles/DATASET_x/METADATA"), "import.unreadable"),
])
def test_what_an_import_can_raise_becomes_a_report_line(error, rule):
    problem = import_problem(error)
    assert problem.rule == rule and problem.severity == "error" and problem.message
    if isinstance(error, OSError):
        assert problem.file == "/bundles/DATASET_x/METADATA" and "Permission denied" in problem.message
    if isinstance(error, ValidationError):
        assert "title: Ensure this value" in problem.message
