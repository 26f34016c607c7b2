"""AARC-G002 group entitlement URNs, as Life Science AAI sends them in `eduperson_entitlement`.

    urn:geant:lifescience-ri.eu:group:<vo>:<group>[:<subgroup>...]#aai.lifescience-ri.eu

Parts are URL-encoded, the `#authority` suffix may be missing, and the URN prefix may come in any
case. `urn_key` gives one spelling for all of them, which is what groups are matched by.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from django.conf import settings

# A Perun group name as MetaFleX ORGANISATION.DATAMANAGER_PERUN_GROUP may give it: "<vo>:<group>", or
# "<group>" alone when GROUPS_PERUN_VO names the VO.
PERUN_GROUP_NAME = re.compile(r"^[\w.-]+(:[\w.%-]+)*$")


def urn_key(urn: str) -> str:
    """The normalised spelling of a URN: no authority, parts decoded, the URN prefix lower-cased."""
    urn = (urn or "").strip().split("#", 1)[0]
    if not urn:
        return ""
    parts = [unquote(part) for part in urn.split(":")]
    if parts[0].lower() == "urn":
        # urn:geant:<domain>:group: is case-insensitive; other URNs only by their namespace id.
        geant_group = len(parts) > 4 and parts[1].lower() == "geant" and parts[3].lower() == "group"
        fixed = 4 if geant_group else 2
        parts = [part.lower() for part in parts[:fixed]] + parts[fixed:]
    return ":".join(parts)


def perun_group_urn(value: str) -> str:
    """The entitlement URN that `value` names: a URN as it is, or a Perun group name ("vo:group", or "group"
    in GROUPS_PERUN_VO) under GROUPS_ENTITLEMENT_PREFIX with GROUPS_ENTITLEMENT_AUTHORITY; "" when `value` is
    neither (a bare name without GROUPS_PERUN_VO is ambiguous: a VO or a group)."""
    value = (value or "").strip()
    if value.lower().startswith("urn:"):
        return value
    if not PERUN_GROUP_NAME.match(value):
        return ""
    if ":" not in value:
        if not settings.GROUPS_PERUN_VO:
            return ""
        value = f"{settings.GROUPS_PERUN_VO}:{value}"
    parts = ":".join(quote(unquote(part), safe="") for part in value.split(":"))
    authority = settings.GROUPS_ENTITLEMENT_AUTHORITY
    return f"{settings.GROUPS_ENTITLEMENT_PREFIX}{parts}" + (f"#{authority}" if authority else "")
