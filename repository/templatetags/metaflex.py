"""Template filters that keep raw MetaFleX structures and nil values off the page."""

from django import template

register = template.Library()

NOT_REPORTED = "not reported"


@register.filter
def reported(value):
    """Render a value for people: nil, empty and absent all read "not reported"."""
    if value is None or value == "" or value == [] or value == {}:
        return NOT_REPORTED
    if isinstance(value, (list, tuple)):
        shown = [str(reported(item)) for item in value]
        shown = [item for item in shown if item != NOT_REPORTED]
        return ", ".join(shown) if shown else NOT_REPORTED
    if isinstance(value, dict):
        if value.get("nil"):
            return NOT_REPORTED
        for key in ("meaning", "label", "value"):
            if value.get(key) not in (None, ""):
                text = str(value[key])
                return f"{text} {value['units']}" if value.get("units") else text
        return NOT_REPORTED
    return value
