"""Expiry rules: a fixed date each year (1.1.) or relative (+1y, +6m, +30d); grace only relative."""

import re
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from access.expiry_rules import ExpiryRuleError, grace_parse, period_parse
from tests.access.groups.factories import GroupFactory


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.mark.parametrize(("rule", "start", "end"), [
    ("+1y", at(2026, 3, 15, 10), at(2027, 3, 15, 10)),
    ("+6m", at(2026, 8, 31, 10), at(2027, 2, 28, 10)),
    ("+30d", at(2026, 12, 20), at(2027, 1, 19)),
    (" +2m ", at(2026, 1, 1), at(2026, 3, 1)),
])
def test_relative_periods_count_from_the_start(rule, start, end):
    assert period_parse(rule).end_after(start) == end


@pytest.mark.parametrize(("rule", "start", "end"), [
    ("1.1.", at(2026, 3, 15, 10), at(2027, 1, 1)),
    ("1.10.", at(2026, 3, 15), at(2026, 10, 1)),
    ("1.10.", at(2026, 10, 1), at(2027, 10, 1)),  # on the day itself: the next one
    ("31.12.", at(2026, 12, 31, 12), at(2027, 12, 31)),
])
def test_a_fixed_date_is_its_next_occurrence(rule, start, end):
    assert period_parse(rule).end_after(start) == end


def test_empty_rules_mean_never():
    assert period_parse("") is None and grace_parse("  ") is None


@pytest.mark.parametrize(("rule", "says"), [
    ("1y", "is not understood: write a fixed date like 1.1."),
    ("+0d", "between +1d and +3650d"),
    ("+11y", "between +1y and +10y"),
    ("32.1.", "month 1 has no day 32"),
    ("31.4.", "month 4 has no day 31"),
    ("1.13.", "months run from 1 to 12"),
    ("29.2.", "does not occur every year"),
    ("1.1", "is not understood"),
    ("+1w", "is not understood"),
])
def test_invalid_periods_say_what_is_wrong(rule, says):
    with pytest.raises(ExpiryRuleError, match=re.escape(says)):
        period_parse(rule)


def test_a_grace_period_is_relative_only():
    assert grace_parse("+14d").end_after(at(2026, 1, 1)) == at(2026, 1, 15)
    with pytest.raises(ExpiryRuleError, match="grace period '1.1.' must be relative"):
        grace_parse("1.1.")


@pytest.mark.django_db
def test_the_group_form_validates_rules():
    group = GroupFactory.build(organisation=GroupFactory().organisation, expiry_period="+1q", expiry_grace="1.1.")
    with pytest.raises(ValidationError) as raised:
        group.full_clean()
    assert set(raised.value.message_dict) == {"expiry_period", "expiry_grace"}
    assert "is not understood" in raised.value.message_dict["expiry_period"][0]
