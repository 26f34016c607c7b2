"""What one application's page shows one user (a read; the views and the API use it)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from access.applications.commands import COMMAND_INPUTS, COMMANDS, application_workflow
from access.applications.permissions import allowed_commands
from access.applications.projection import project
from access.applications.roles import application_roles, may_view
from access.models import Application, LicenseAcceptance
from access.selectors.applications import (
    application_datasets,
    application_license_versions,
    license_diff,
    sla_age_days,
    sla_overdue,
)

DAC_ROLES = frozenset({"handler", "decider", "reporter"})
# Commands shown as buttons elsewhere on the page (the form, the licenses, invitations) or not at all.
NOT_IN_ACTIONS = frozenset({"save-draft", "submit", "accept-licenses", "accept-invitation", "create"})


def application_page(application: Application, user) -> dict:
    """Everything the application page shows `user`, filtered by their roles: the answers (private fields
    hidden from reviewers), the licenses and what changed in them, the history (private remarks only for the
    DAC), and the commands the permission table allows."""
    events = list(application.events.select_related("actor").order_by("seq"))
    snapshot = project(events)
    workflow = application_workflow(application)
    roles = application_roles(user, application, snapshot, workflow)
    if not may_view(roles, application.state):
        return {"may_view": False}
    dac = bool(roles & DAC_ROLES)
    reviewer_only = "reviewer" in roles and not (roles & (DAC_ROLES | {"applicant", "member"}))
    item = application.catalogue_items.select_related("form").order_by("pk").first()
    fields = list(item.form.fields.all()) if item and item.form_id else []
    private_keys = {field.key for field in fields if field.private}
    private_attachment_ids = set()
    if reviewer_only:
        fields = [field for field in fields if not field.private]
        private_attachment_ids = {application.answers.get(key) for key in private_keys}
    attachments = {a.pk: a for a in application.attachments.all()}
    licenses = []
    for version in application_license_versions(application):
        accepted = LicenseAcceptance.objects.filter(user=user, license_version=version).exists()
        previous, diff = (None, []) if accepted else license_diff(user, version)
        licenses.append({"version": version, "accepted": accepted, "previous": previous, "diff": diff})
    history = [event for event in events if dac or (
        event.type != "vote" and not (event.type == "remark" and not event.payload.get("public")))]
    allowed = allowed_commands(application.state, roles, workflow)
    # A review or decision is offered only to those still asked for one (the command refuses the others).
    for command, kind in (("review", "review"), ("decide", "decision")):
        if not snapshot.reviewers.get(f"{getattr(user, 'pk', None)}:{kind}"):
            allowed -= {command}
    actions = [{"command": COMMANDS[name], "inputs": COMMAND_INPUTS.get(name, ())}
               for name in COMMANDS if name in allowed and name not in NOT_IN_ACTIONS]
    return {
        "may_view": True, "roles": sorted(roles), "snapshot": snapshot, "workflow": workflow, "allowed": allowed,
        "actions": actions, "fields": fields, "answers": application.answers, "attachments": attachments,
        "private_attachment_ids": private_attachment_ids, "licenses": licenses,
        "licenses_pending": any(not entry["accepted"] for entry in licenses),
        "history": history, "dac": dac, "editable": bool(allowed & {"save-draft", "submit"}),
        "members": list(application.members.select_related("user")),
        "reviewers": list(application.reviewers.select_related("user")),
        "invitations": list(snapshot.invitations.values()) if roles & (DAC_ROLES | {"applicant"}) else [],
        "votes": snapshot.votes if dac else {},
        "datasets": list(application_datasets(application).select_related("latest_version")),
        "entitlements": list(application.entitlements.active().select_related("user", "dataset")),
        "sla_age": sla_age_days(application), "sla_overdue": sla_overdue(application),
    }


def application_page_for(pk: int, user) -> tuple[Application, dict]:
    """The application and its page for `user`; 404 for an application they may not see."""
    application = get_object_or_404(Application, pk=pk)
    page = application_page(application, user)
    if not page["may_view"]:
        raise Http404("No such application.")
    return application, page
