"""Reads about users and roles. Permission questions are answered here."""

from __future__ import annotations

from access.roles import Role


def user_roles(user) -> list[Role]:
    if not user.is_authenticated:
        return []
    return [role for role in Role if user.has_role(role)]


def can_submit_for(user, organisation) -> bool:
    """May `user` submit datasets for `organisation`? (contributor or node coordinator there)"""
    if not user or not user.is_authenticated or organisation is None:
        return False
    return user.organisation_id == organisation.pk and (
        user.has_role(Role.CONTRIBUTOR) or user.has_role(Role.NODE_COORDINATOR))
