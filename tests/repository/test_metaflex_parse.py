"""Safe parsing: entity tricks are refused, malformed XML is located, values keep their meaning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metaflex import Entity, Report, iter_entities, parse_file, validate_bundle
from metaflex.types import Problem
from tests.repository.metaflex_bundles import BundleBuilder

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<OBSERVER_SET><OBSERVER alias="&lol9;"><OBSERVER_TYPE>Human</OBSERVER_TYPE><ATTRIBUTES/></OBSERVER></OBSERVER_SET>
"""
XXE = """<?xml version="1.0"?>
<!-- a comment first -->
<!DOCTYPE OBSERVER_SET [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<OBSERVER_SET><OBSERVER alias="a"><OBSERVER_TYPE>&xxe;</OBSERVER_TYPE><ATTRIBUTES/></OBSERVER></OBSERVER_SET>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE OBSERVER_SET SYSTEM "http://127.0.0.1:9/evil.dtd">
<OBSERVER_SET><OBSERVER alias="a"><OBSERVER_TYPE>Human</OBSERVER_TYPE><ATTRIBUTES/></OBSERVER></OBSERVER_SET>
"""
PARAMETER_ENTITY = """<?xml version="1.0"?>
<?note <!DOCTYPE in a processing instruction is not one ?>
<!-- nor is <!DOCTYPE in a comment -->
<!DOCTYPE OBSERVER_SET [
 <!ENTITY % remote SYSTEM "file:///etc/passwd">
 %remote;
]>
<OBSERVER_SET><OBSERVER alias="a"><OBSERVER_TYPE>Human</OBSERVER_TYPE><ATTRIBUTES/></OBSERVER></OBSERVER_SET>
"""
# An internal entity cut values short when the DOCTYPE hid behind a long comment: "&h;man" read as "".
BEHIND_LONG_COMMENT = ('<?xml version="1.0"?>\n<!--' + "padding\n" * (1 << 18) + '-->\n'
                       '<!DOCTYPE OBSERVER_SET [<!ENTITY h "Hu">]>\n'
                       '<OBSERVER_SET><OBSERVER alias="a"><OBSERVER_TYPE>&h;man</OBSERVER_TYPE><ATTRIBUTES/>'
                       '</OBSERVER></OBSERVER_SET>\n')
UNDECLARED_ENTITY = """<?xml version="1.0"?>
<OBSERVER_SET><OBSERVER alias="a"><OBSERVER_TYPE>&xxe;</OBSERVER_TYPE><ATTRIBUTES/></OBSERVER></OBSERVER_SET>
"""


@pytest.mark.parametrize("text, line", [(BILLION_LAUGHS, 2), (XXE, 3), (EXTERNAL_DTD, 2), (PARAMETER_ENTITY, 4),
                                        (BEHIND_LONG_COMMENT, (1 << 18) + 3)],
                         ids=["billion-laughs", "xxe", "external-dtd", "parameter-entity", "after-2-MiB-comment"])
def test_doctype_is_refused_without_expansion(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "observer.xml"
    path.write_text(text)
    entities, problems = parse_file(path)
    assert entities == []
    [problem] = problems
    assert problem.rule == "xml.entity" and problem.line == line
    assert "DOCTYPE" in problem.message
    assert "root:" not in json.dumps(problem.to_json())  # nothing from /etc/passwd leaked


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text, line", [(XXE, 3), (BEHIND_LONG_COMMENT, (1 << 18) + 3)], ids=["xxe", "long-comment"])
def test_utf16_doctype_is_refused(tmp_path: Path, encoding: str, text: str, line: int) -> None:
    path = tmp_path / "observer.xml"
    path.write_bytes(text.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
                     .encode(encoding))
    entities, problems = parse_file(path)
    assert entities == [] and [(p.rule, p.line) for p in problems] == [("xml.entity", line)]


def test_a_long_prolog_without_doctype_is_read(tmp_path: Path) -> None:
    path = tmp_path / "observer.xml"
    path.write_text(BEHIND_LONG_COMMENT.replace('<!DOCTYPE OBSERVER_SET [<!ENTITY h "Hu">]>', "<?pi x?>")
                    .replace("&h;", "Hu"))
    [observer], problems = parse_file(path)
    assert problems == [] and observer.fields["OBSERVER_TYPE"] == "Human"


@pytest.mark.parametrize("text", [
    '<OBSERVER_SET>\n<!DOCTYPE x>\n<OBSERVER alias="a"><OBSERVER_TYPE>Human</OBSERVER_TYPE><ATTRIBUTES/></OBSERVER>'
    "</OBSERVER_SET>",
    '<OBSERVER_SET><OBSERVER alias="a"><OBSERVER_TYPE>Human</OBSERVER_TYPE><ATTRIBUTES/></OBSERVER></OBSERVER_SET>'
    "\n<!DOCTYPE x>",
    '<OBSERVER_SET><OBSERVER alias="a"><OBSERVER_TYPE><!ENTITY x "y">Human</OBSERVER_TYPE><ATTRIBUTES/></OBSERVER>'
    "</OBSERVER_SET>",
], ids=["doctype-in-content", "doctype-after-root", "entity-declaration-in-content"])
def test_declarations_outside_the_prolog_are_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "observer.xml"
    path.write_text(text)
    _, problems = parse_file(path)
    assert [(p.rule, p.line) for p in problems] == [("xml.malformed", 2 if "\n" in text else 1)]


def test_undeclared_entity_is_not_expanded(tmp_path: Path) -> None:
    path = tmp_path / "observer.xml"
    path.write_text(UNDECLARED_ENTITY)
    entities, problems = parse_file(path)
    assert entities == []
    assert [p.rule for p in problems] == ["xml.entity"] and problems[0].line == 2


def test_malformed_xml_reports_line(tmp_path: Path) -> None:
    path = tmp_path / "observer.xml"
    path.write_text('<?xml version="1.0"?>\n<OBSERVER_SET>\n<OBSERVER alias="a">\n</OBSERVER_SET>\n')
    _, problems = parse_file(path)
    assert [p.rule for p in problems] == ["xml.malformed"]
    assert problems[0].line == 4


def test_doctype_in_bundle_blocks_it(tmp_path: Path) -> None:
    root = BundleBuilder(tmp_path).write()
    (root / "METADATA/dataset.xml").write_text(XXE.replace("OBSERVER_SET", "DATASET_SET"))
    bundle, report = validate_bundle(root)
    assert bundle is None and "xml.entity" in report.rules()


def test_values_keep_nil_and_empty_apart(tmp_path: Path) -> None:
    path = tmp_path / "sample.xml"
    path.write_text("""<?xml version="1.0"?>
<SAMPLE_SET xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BIOLOGICAL_BEING alias="b">
    <ATTRIBUTES>
      <STRING_ATTRIBUTE><TAG>nil</TAG><VALUE xsi:nil="true"/></STRING_ATTRIBUTE>
      <STRING_ATTRIBUTE><TAG>empty</TAG><VALUE></VALUE></STRING_ATTRIBUTE>
      <NUMERIC_ATTRIBUTE><TAG>n</TAG><VALUE> 1.50 </VALUE></NUMERIC_ATTRIBUTE>
      <MEASUREMENT_ATTRIBUTE><TAG>m</TAG><VALUE>0.2500</VALUE><UNITS>um/px</UNITS></MEASUREMENT_ATTRIBUTE>
      <CODE_ATTRIBUTE><TAG>c</TAG><VALUE><CODE>1</CODE><SCHEME>SCT</SCHEME><MEANING>x</MEANING>
        <SCHEME_VERSION xsi:nil="true"/></VALUE></CODE_ATTRIBUTE>
      <SET_ATTRIBUTE><TAG>s</TAG><VALUE><STRING_ATTRIBUTE><TAG>in</TAG><VALUE>v</VALUE></STRING_ATTRIBUTE>
      </VALUE></SET_ATTRIBUTE>
      <SET_ATTRIBUTE><TAG>sn</TAG><VALUE xsi:nil="true"/></SET_ATTRIBUTE>
    </ATTRIBUTES>
  </BIOLOGICAL_BEING>
  <BIOLOGICAL_BEING alias="b2"><ATTRIBUTES xsi:nil="true"/></BIOLOGICAL_BEING>
</SAMPLE_SET>
""")
    (being, being2), problems = parse_file(path)
    assert problems == []
    values = {a.tag: a for a in being.attributes}
    assert values["nil"].nil and values["nil"].value is None
    assert not values["empty"].nil and values["empty"].value == ""
    assert values["n"].value == "1.50"
    assert (values["m"].value, values["m"].units) == ("0.2500", "um/px")
    assert values["c"].value == {"code": "1", "scheme": "SCT", "meaning": "x", "scheme_version": None}
    assert values["s"].value[0].tag == "in"
    assert values["sn"].nil
    assert being2.attributes is None and being.attributes is not None


def test_iter_entities_streams_one_kind(tmp_path: Path) -> None:
    root = BundleBuilder(tmp_path).write()
    problems: list[Problem] = []
    slides = list(iter_entities(root / "METADATA/sample.xml", "slide", problems=problems))
    assert [s.alias for s in slides] == ["slide1", "slide2"]
    assert slides[0].ref("STAINING_INFORMATION_REF").alias == "stain-he"
    assert slides[0].line > 0 and problems == []


def test_single_entity_root_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "observer.xml"
    path.write_text('<OBSERVER alias="o"><OBSERVER_TYPE>Machine</OBSERVER_TYPE><ATTRIBUTES/></OBSERVER>')
    [observer], problems = parse_file(path)
    assert problems == [] and observer.fields == {"OBSERVER_TYPE": "Machine"}


def test_entities_and_reports_round_trip_through_json(tmp_path: Path) -> None:
    root = BundleBuilder(tmp_path).write()
    for name in ("sample", "staining", "image", "observation", "dataset", "landing_page"):
        entities, _ = parse_file(root / f"{'LANDING_PAGE' if name == 'landing_page' else 'METADATA'}/{name}.xml")
        for entity in entities:
            data = json.loads(json.dumps(entity.to_json()))
            again = Entity.from_json(data)
            assert again == entity and again.line == entity.line
    report = Report([Problem(rule="x.y", message="m", file="f", line=3, alias="a", element="E")])
    assert Report.from_json(json.loads(json.dumps(report.to_json()))) == report
    assert report.format().splitlines()[0] == "f:3: [x.y] E 'a': m"
    assert not report.ok
