"""People and submissions for the contributor's page tests (views and browser)."""

from __future__ import annotations

from access.roles import Role
from access.services import role_grant
from ingestion.services.submissions import submission_create
from tests.access.factories import OrganisationFactory, UserFactory
from tests.governance.factories import dsa_signed

PASSWORD = "correct horse battery staple"


def person(*roles: Role, organisation=None, username: str | None = None):
    """A user of `organisation` (a new one if not given) holding `roles`; password is PASSWORD."""
    extra = {"username": username} if username else {}
    if organisation is None:
        organisation = OrganisationFactory()
        dsa_signed(organisation)  # so its contributors may submit
    user = UserFactory(organisation=organisation, **extra)
    for role in roles:
        role_grant(user=user, role=role)
    return user


def contributor(organisation=None, username: str | None = None):
    return person(Role.CONTRIBUTOR, organisation=organisation, username=username)


def submission_of(user, title: str = "Skin biopsies"):
    return submission_create(organisation=user.organisation, actor=user, title=title)
