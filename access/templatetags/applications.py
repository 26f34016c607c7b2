"""Template helpers of the application pages: answers by key, event labels, attachments and table rows."""

import json

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from access.applications.commands import COMMANDS
from access.models import User
from access.selectors.applications import catalogue_item_enabled, open_application_for

register = template.Library()


@register.filter
def get_answer(mapping, key):
    if not isinstance(mapping, dict):
        return ""
    return mapping.get(key, mapping.get(str(key), ""))


@register.filter
def json_attr(value) -> str:
    """JSON for a data- attribute (the template escapes it)."""
    return json.dumps(value or [])


@register.filter
def event_label(command: str) -> str:
    spec = COMMANDS.get(command)
    return spec.label if spec else command


@register.filter
def event_summary(event) -> str:
    """Who or what an event names, in a few words (the comment is shown apart)."""
    p = event.payload
    names = [p[key] for key in ("user", "assignee") if p.get(key)] + list(p.get("users") or [])
    parts = [", ".join(username(pk) for pk in names)] if names else []
    if event.type == "assign" and not p.get("assignee"):
        parts.append("nobody")
    for key in ("email", "external_id", "decision", "vote"):
        if p.get(key):
            parts.append(str(p[key]))
    if p.get("entitlement_end"):
        parts.append(f"access until {p['entitlement_end'][:10]}")
    if p.get("new_application"):
        parts.append(f"new application {p['new_application']}")
    return "; ".join(part for part in parts if part)


@register.filter
def username(pk) -> str:
    user = User.objects.filter(pk=pk).first()
    return user.username if user else str(pk)


@register.simple_tag
def table_rows(field, value):
    """The table's saved rows and two empty ones to fill."""
    rows = [row for row in value or [] if isinstance(row, dict)]
    return rows + [{}, {}]


@register.simple_tag
def answer_display(field, answers, attachments, application):
    value = answers.get(field.key)
    if value in (None, "", []):
        return format_html('<span class="muted">{}</span>', "no answer")
    if field.kind == "attachment":
        attachment = attachments.get(value)
        if attachment is None or attachment.redacted_at:
            return format_html('<span class="muted">{}</span>', "redacted")
        url = reverse("access:application_attachment", args=[application.pk, attachment.pk])
        return format_html('<a href="{}">{}</a>', url, attachment.filename)
    if field.kind in ("option", "multiselect"):
        labels = {option.get("key"): option.get("label") for option in field.options or []}
        chosen = value if isinstance(value, list) else [value]
        return ", ".join(str(labels.get(key, key)) for key in chosen)
    if field.kind == "table":
        head = format_html_join("", "<th scope=\"col\">{}</th>", ((c.get("label"),) for c in field.columns))
        body = format_html_join("", "<tr>{}</tr>", (
            (format_html_join("", "<td>{}</td>", ((row.get(c.get("key"), ""),) for c in field.columns)),)
            for row in value))
        return format_html('<table class="table"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>', head, body)
    return value


@register.simple_tag
def access_request(dataset, user) -> dict:
    """For the landing page: the dataset's catalogue item and the user's open application for it."""
    item = catalogue_item_enabled(dataset)
    application = open_application_for(user, dataset) if item and user.is_authenticated else None
    return {"item": item, "application": application}
