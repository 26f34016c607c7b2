"""`manage.py token_create` prints a token once, and that token works."""

import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from tests.access.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_command_prints_a_working_token(client, capsys):
    UserFactory(username="scripter")
    call_command("token_create", "scripter", "--name", "nightly", "--days", "7")
    out, err = capsys.readouterr()
    plaintext = out.strip()
    assert plaintext.startswith("bpt_") and "\n" not in plaintext
    assert "not shown again" in err
    response = client.get("/api/v1/me/", headers={"Authorization": f"Bearer {plaintext}"})
    assert response.status_code == 200 and response.json()["username"] == "scripter"


@pytest.mark.parametrize(("args", "message"), [
    (["nobody", "--name", "x"], "No user is called 'nobody'"),
    (["scripter", "--name", "x", "--days", "999"], "valid for 1 to 365 days"),
])
def test_command_errors_are_messages(args, message):
    UserFactory(username="scripter")
    with pytest.raises(CommandError, match=message):
        call_command("token_create", *args)


def test_command_without_name_says_so():
    result = subprocess.run([sys.executable, "manage.py", "token_create", "someone"], capture_output=True,
                            text=True)
    assert result.returncode == 2
    assert "--name" in result.stderr and "Traceback" not in result.stderr
