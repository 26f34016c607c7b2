"""Reads about users and roles. Permission questions are answered here."""

from __future__ import annotations

from access.roles import Role


def user_roles(user) -> list[Role]:
    if not user.is_authenticated:
        return []
    return [role for role in Role if user.has_role(role)]
