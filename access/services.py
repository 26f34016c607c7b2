"""Writes for users, organisations and role membership."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from access.models import Organisation, User
from access.roles import Role
from governance.services import audit_record


def role_group(role: Role) -> Group:
    group, _ = Group.objects.get_or_create(name=role.value)
    return group


@transaction.atomic
def organisation_create(*, name: str, slug: str, country: str = "", contact_email: str = "",
                        website: str = "", actor: User | None = None) -> Organisation:
    organisation = Organisation(
        name=name, slug=slug, country=country, contact_email=contact_email, website=website
    )
    organisation.full_clean()
    organisation.save()
    audit_record(actor=actor, action="organisation.create", target=organisation)
    return organisation


@transaction.atomic
def user_create(*, username: str, email: str, password: str | None, organisation: Organisation | None = None,
                roles: tuple[Role, ...] = (), first_name: str = "", last_name: str = "",
                actor: User | None = None) -> User:
    user = User(username=username, email=email, organisation=organisation,
                first_name=first_name, last_name=last_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    if Role.ADMIN in roles:
        user.is_staff = True
        user.is_superuser = True
    user.save()
    for role in roles:
        role_grant(user=user, role=role, actor=actor)
    audit_record(actor=actor, action="user.create", target=user)
    return user


@transaction.atomic
def role_grant(*, user: User, role: Role, actor: User | None = None) -> None:
    user.groups.add(role_group(role))
    if role in (Role.DATA_STEWARD, Role.NODE_COORDINATOR) and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_role_names", None)
    audit_record(actor=actor, action="role.grant", target=user, detail={"role": role.value})
