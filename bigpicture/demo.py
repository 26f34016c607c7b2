"""The demo's seed data. Idempotent: running it again reuses what exists.

Later issues extend `demo_seed` with their own content.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from access.models import Organisation, User
from access.roles import Role
from access.services import organisation_create, user_create


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: Role
    name: str


DEMO_ACCOUNTS = (
    DemoAccount("contributor", "demo-contributor", Role.CONTRIBUTOR, "Clara Contributor"),
    DemoAccount("coordinator", "demo-coordinator", Role.NODE_COORDINATOR, "Nils Coordinator"),
    DemoAccount("steward", "demo-steward", Role.DATA_STEWARD, "Stina Steward"),
    DemoAccount("researcher", "demo-researcher", Role.RESEARCHER, "Rafael Researcher"),
    DemoAccount("admin", "demo-admin", Role.ADMIN, "Ada Admin"),
)
DEMO_ORGANISATION_SLUG = "demo-university-hospital"


@transaction.atomic
def demo_seed() -> list[DemoAccount]:
    organisation = Organisation.objects.filter(slug=DEMO_ORGANISATION_SLUG).first()
    if organisation is None:
        organisation = organisation_create(
            name="Demo University Hospital", slug=DEMO_ORGANISATION_SLUG, country="SE",
            contact_email="pathology@demo-hospital.example", website="https://demo-hospital.example",
        )
    for account in DEMO_ACCOUNTS:
        if not User.objects.filter(username=account.username).exists():
            first, last = account.name.split(" ", 1)
            user_create(
                username=account.username, email=f"{account.username}@demo-hospital.example",
                password=account.password, organisation=organisation, roles=(account.role,),
                first_name=first, last_name=last,
            )
    return list(DEMO_ACCOUNTS)
