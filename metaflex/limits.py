"""The few length limits the repository really needs, reported as problems at validation.

The MetaFleX XSDs set no length limits, and the repository stores titles, labels,
names and other text whole. An alias is different: it is an identifier, indexed
and compared within a dataset, so it has a documented maximum. References point at
aliases, so a too-long alias is reported on the object that declares it.
"""

from __future__ import annotations

from .schema import ENTITIES
from .types import Entity, Problem

MAX_ALIAS_LENGTH = 255


def check_limits(entity: Entity) -> list[Problem]:
    if len(entity.alias) <= MAX_ALIAS_LENGTH:
        return []
    return [Problem(rule="alias.too_long", file=entity.source_file, line=entity.line,
                    element=ENTITIES[entity.kind].element, alias=entity.alias[:40] + "…",
                    message=f"the alias has {len(entity.alias)} characters; aliases are identifiers of at most "
                            f"{MAX_ALIAS_LENGTH} characters. Use a shorter alias (and change the references "
                            "to it).")]
