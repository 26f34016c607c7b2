"""`{% ticket_conversation submission %}`: the ticket's conversation, as the current user may see it.

For the contributor's submission page: `{% load ingestion_tickets %}{% ticket_conversation submission %}`.
"""

from django import template

from ingestion.models import Ticket
from ingestion.selectors import is_steward
from ingestion.selectors_tickets import ticket_comments, ticket_visible

register = template.Library()


@register.inclusion_tag("ingestion/tickets/_conversation.html", takes_context=True)
def ticket_conversation(context, submission):
    request = context["request"]
    ticket = Ticket.objects.filter(submission=submission).first()
    if ticket is None or not ticket_visible(ticket, request.user):
        return {"ticket": None}
    return {"ticket": ticket, "comments": ticket_comments(ticket, request.user), "request": request,
            "is_steward": is_steward(request.user), "next": request.get_full_path(),
            "csrf_token": context.get("csrf_token")}
