"""The committed command and permission tables (access/applications/COMMANDS.md) are current."""

from django.core.management import call_command

from access.applications.docs import DOC_PATH, commands_markdown


def test_the_committed_file_is_current():
    assert DOC_PATH.read_text() == commands_markdown(), "run: manage.py applications_commands_doc"
    call_command("applications_commands_doc", "--check")
