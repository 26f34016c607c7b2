"""Template filters that keep raw MetaFleX structures and nil values off the page.

Values read through `repository.display`: durations in words, `µm`, `µm/px`.
"""

from django import template
from django.utils.html import format_html, format_html_join

from repository.display import Description, description_parts, units_text, value_text

register = template.Library()

NOT_REPORTED = "not reported"


def _reported_items(value) -> list:
    """The reported entries of a list value, each already read for people."""
    shown = [reported(item) for item in value]
    return [item for item in shown if item != NOT_REPORTED]


@register.filter
def reported(value):
    """Render a value for people: nil, empty and absent all read "not reported"."""
    if value is None or value == "" or value == [] or value == {}:
        return NOT_REPORTED
    if isinstance(value, (list, tuple)):
        shown = [str(item) for item in _reported_items(value)]
        return ", ".join(shown) if shown else NOT_REPORTED
    if isinstance(value, dict):
        if value.get("nil"):
            return NOT_REPORTED
        for key in ("meaning", "label", "value"):
            if value.get(key) not in (None, ""):
                text = value_text(str(value[key]))
                return f"{text} {units_text(value['units'])}" if value.get("units") else text
        return NOT_REPORTED
    if isinstance(value, str):
        return value_text(value)
    return value


@register.filter
def reported_list(value):
    """Like `reported`, but a list of two or more entries becomes an HTML list (policy terms, restrictions)."""
    if isinstance(value, (list, tuple)):
        items = _reported_items(value)
        if len(items) > 1:
            return format_html('<ul class="value-list">{}</ul>',
                               format_html_join("", "<li>{}</li>", ((item,) for item in items)))
    return reported(value)


@register.filter
def paragraphs(text) -> Description:
    """A description's paragraphs, cut after 250 words: `.lead` shown, `.more` behind "read more"."""
    return description_parts(text)
