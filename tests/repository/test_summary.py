"""The summary reads attributes the way a pathologist would."""

import pytest

from metaflex.types import Attribute, Entity
from repository.services.summary import SummaryCollector, attribute_text


def _specimen(age: str) -> Entity:
    return Entity("specimen", "s", attributes=[Attribute("string", "age_at_extraction", age)])


@pytest.mark.parametrize(("ages", "expected"), [
    (["P52Y/PT0S"], "52 years"),
    (["P45Y/PT0S", "P66Y6M/PT0S"], "45–66.5 years"),
    (["P10W/PT0S", "P12W/PT0S"], "10–12 weeks"),
    ([], None),
])
def test_age_range(ages, expected):
    collector = SummaryCollector()
    for age in ages:
        collector.add(_specimen(age))
    assert collector.age_range() == expected


def test_findings_count_as_diagnoses():
    collector = SummaryCollector()
    code = Attribute("code", "finding", {"code": "C3196", "scheme": "SEND", "meaning": "NECROSIS",
                                         "scheme_version": None})
    collector.add(Entity("observation", "o", fields={"STATEMENT": {"STATEMENT_TYPE": "Finding",
                                                                    "CODE_ATTRIBUTES": [code]}}))
    assert collector.summary()["diagnoses"] == ["NECROSIS"]


def test_nil_attributes_are_not_reported():
    assert attribute_text(Attribute("string", "sex", None, nil=True)) is None
    assert attribute_text(Attribute("measurement", "r", "0.25", units="um/px")) == "0.25 µm/px"
