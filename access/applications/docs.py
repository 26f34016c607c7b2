"""The permission table and the command table as Markdown (access/applications/COMMANDS.md).

Written by `manage.py applications_commands_doc`; a test checks the committed file is current."""

from __future__ import annotations

from pathlib import Path

from access.applications.commands import COMMAND_INPUTS, COMMANDS
from access.applications.permissions import (
    CREATE_COMMANDS,
    KIND_REMOVES,
    OPTION_REMOVES,
    PERMISSIONS,
    ApplicationRole,
)
from access.models import ApplicationState, WorkflowKind

DOC_PATH = Path(__file__).with_name("COMMANDS.md")


def commands_markdown() -> str:
    roles = list(ApplicationRole)
    lines = [
        "# Access application commands",
        "",
        "Generated from `access/applications/permissions.py` and `commands.py` by",
        "`manage.py applications_commands_doc`; do not edit by hand.",
        "",
        "Every command is one event in one transaction. The state is derived from the events",
        "(`access/applications/projection.py`).",
        "",
        "## Who may run what (state × role)",
        "",
        "| State | " + " | ".join(role.label for role in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    lines.append("| (no application) | " + " | ".join(
        ", ".join(sorted(CREATE_COMMANDS)) if role == ApplicationRole.APPLICANT else "" for role in roles) + " |")
    for state in ApplicationState:
        row = PERMISSIONS.get(state, {})
        cells = [", ".join(sorted(row.get(role, ()))) for role in roles]
        lines.append(f"| {state.label} | " + " | ".join(cells) + " |")
    lines += ["", "## Workflow rules", ""]
    for kind, removes in KIND_REMOVES.items():
        for role, commands in removes.items():
            lines.append(f"- In a {WorkflowKind(kind).label.split(' (')[0].lower()} workflow, "
                         f"{ApplicationRole(role).label.split(' (')[0].lower()}s may not: {', '.join(sorted(commands))}.")
    for option, commands in OPTION_REMOVES.items():
        lines.append(f"- Without the workflow option `{option}`: nobody may {', '.join(sorted(commands))}.")
    lines += ["", "## Commands", "", "| Command | Takes | Recomputes entitlements | Notes |", "|---|---|---|---|"]
    for name, spec in COMMANDS.items():
        takes = ", ".join(COMMAND_INPUTS.get(name, ())) or "—"
        notes = spec.help or spec.label
        lines.append(f"| `{name}` | {takes} | {'yes' if spec.recompute else ''} | {notes} |")
    return "\n".join(lines) + "\n"
