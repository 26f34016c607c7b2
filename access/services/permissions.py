"""Invalidating cached permission answers (access.selectors.permissions) when what they rest on changes.

By signals, not explicit calls: every save or delete of a row in `_WATCHED` bumps a generation,
whichever service, admin page or shell wrote it, so no writer can forget. Queryset `.update()` and
raw SQL send no signal; answers they change still expire within PERMISSION_CACHE_SECONDS.

The bump happens twice: at the write, so the writing transaction sees its own change, and again
after the commit, because a reader in another process that recomputed in between read the rows
from before the commit and stamped them with the new generation.
"""

from __future__ import annotations

import logging
import time

from django.apps import apps
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from access.selectors.permissions import (
    CACHE_ERRORS,
    EVERYONE,
    dataset_generation_key,
    local_answers_forget,
    permission_cache,
    user_generation_key,
)
from access.selectors.principals import recent_users_forget

log = logging.getLogger(__name__)

# model label -> what its rows decide: "user" (the field holding the user's id), "dataset", or everyone.
_WATCHED: dict[str, tuple[str, str | None]] = {
    "access.User": ("user", "pk"),
    "access.Membership": ("user", "user_id"),
    "access.Organisation": ("everyone", None),  # a node's sites
    "access.Entitlement": ("user", "user_id"),
    "access.Blacklist": ("user", "user_id"),
    "access.InboundVisa": ("user", "user_id"),  # bona fide status
    "access.GroupMembership": ("user", "user_id"),  # data managers
    "access.Group": ("everyone", None),  # a group's organisation, kind or place among subgroups
    "access.CatalogueItem": ("dataset", "dataset_id"),
    "repository.Dataset": ("dataset", "pk"),
    "repository.DatasetVersion": ("dataset", "dataset_id"),
}


def permissions_invalidate(*, user_id: int | None = None, dataset_id: int | None = None,
                           everyone: bool = False) -> None:
    """Outdate the cached answers of one user, one dataset, or everyone: now, and after the commit."""
    keys = []
    if user_id is not None:
        keys.append(user_generation_key(user_id))
    if dataset_id is not None:
        keys.append(dataset_generation_key(dataset_id))
    if everyone:
        keys.append(EVERYONE)
    _bump(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump(keys))


def _bump(keys: list[str]) -> None:
    local_answers_forget()
    cache = permission_cache()
    try:
        for key in keys:
            try:
                cache.incr(key)
            except ValueError:  # never read yet: start it where readers would
                cache.set(key, time.time_ns(), timeout=None)
    except CACHE_ERRORS as exc:
        # The write goes on; answers cached before the outage still expire within PERMISSION_CACHE_SECONDS.
        log.warning("permission cache unavailable (%s); generations %s not bumped", exc, keys)


def _on_write(sender, instance, **kwargs) -> None:
    scope, field = _WATCHED[sender._meta.label]
    if scope == "everyone":
        permissions_invalidate(everyone=True)
    else:
        permissions_invalidate(**{f"{scope}_id": getattr(instance, field)})


def _on_roles_changed(sender, instance, action, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, apps.get_model("access.User")):
        permissions_invalidate(user_id=instance.pk)
    elif pk_set is None:  # a role group was cleared
        permissions_invalidate(everyone=True)
    else:  # a role group gained or lost users
        for user_id in pk_set:
            permissions_invalidate(user_id=user_id)


def permission_signals_connect() -> None:
    """Called once from AccessConfig.ready()."""
    for label in _WATCHED:
        model = apps.get_model(label)
        post_save.connect(_on_write, sender=model, dispatch_uid=f"permissions:save:{label}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"permissions:delete:{label}")
    m2m_changed.connect(_on_roles_changed, sender=apps.get_model("access.User").groups.through,
                        dispatch_uid="permissions:roles")
    # Who a session or token stood for (pixel reads remember it for a moment): forgotten on these.
    user_logged_out.connect(recent_users_forget, dispatch_uid="principals:logout")
    for label in ("access.User", "access.ApiToken", "sessions.Session"):
        model = apps.get_model(label)
        if label != "sessions.Session":  # a session saved is one in use; a session deleted is a logout
            post_save.connect(recent_users_forget, sender=model, dispatch_uid=f"principals:save:{label}")
        post_delete.connect(recent_users_forget, sender=model, dispatch_uid=f"principals:delete:{label}")
