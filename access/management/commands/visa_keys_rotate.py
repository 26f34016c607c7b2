"""`manage.py visa_keys_rotate`: a new key signs visas; the old ones stay in the JWKS until their visas expire."""

from django.core.management.base import BaseCommand

from access.visas.keys import visa_keys_published, visa_keys_rotate


class Command(BaseCommand):
    help = "Rotate the GA4GH visa signing key (old public keys stay published until their visas expire)."

    def handle(self, *args, **options):
        key = visa_keys_rotate(actor=None)
        self.stdout.write(f"New visa signing key {key.kid}.")
        for published in visa_keys_published():
            if published.retired_at:
                self.stdout.write(f"Retired {published.kid}: published until {published.not_after:%Y-%m-%d %H:%M %Z}.")
