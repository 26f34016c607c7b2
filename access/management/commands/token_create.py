"""`manage.py token_create <username> --name NAME [--days N]`: prints a new API token once."""

from django.core.management.base import BaseCommand, CommandError

from access.models import User
from access.services import token_create
from access.tokens import DEFAULT_DAYS
from bigpicture.errors import UserError


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="where the token is used, e.g. 'lab uploader'")
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help=f"validity (default {DEFAULT_DAYS})")

    def handle(self, *args, username, name, days, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is deactivated; activate the account first.")
        try:
            token, plaintext = token_create(user=user, name=name, days=days)
        except UserError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(f"Token {token.name!r} for {username}, valid until "
                          f"{token.expires_at:%Y-%m-%d %H:%M %Z}. It is not shown again:")
        self.stdout.write(plaintext)
