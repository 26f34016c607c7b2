"""What one de-identification run needs: the policy for label and overview images, and the keyed
pseudonym and UID functions of the contributing organisation (cached for the run)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from governance.services.pseudonyms import pseudonym_keyring

LABEL_POLICIES = ("remove", "keep")
OVERVIEW_POLICIES = ("remove", "blank", "keep")


@dataclass(frozen=True)
class DeidPolicy:
    """What happens to the images that show the slide label: removed by default."""

    label: str = "remove"
    overview: str = "remove"

    def __post_init__(self) -> None:
        if self.label not in LABEL_POLICIES:
            raise ValueError(f"label policy {self.label!r}: expected one of {', '.join(LABEL_POLICIES)}")
        if self.overview not in OVERVIEW_POLICIES:
            raise ValueError(f"overview policy {self.overview!r}: expected one of {', '.join(OVERVIEW_POLICIES)}")


@dataclass
class DeidContext:
    """Pseudonyms and UIDs for one unit of work (a file, a conversion), with the policy.

    `pseudonym(kind, value)` and `uid(original)` are deterministic; `derived_uid(*parts)` makes
    UIDs for converted scanner files, which have none to map. `source` (e.g. the source file's
    SHA-256) makes those repeatable. `replace_uids=False` keeps UIDs that are already new (a
    conversion whose UID generator made them).
    """

    pseudonym_fn: Callable[[str, str], str]
    uid_fn: Callable[[str], str]
    derived_uid_fn: Callable[..., str]
    policy: DeidPolicy = field(default_factory=DeidPolicy)
    source: str = ""
    replace_uids: bool = True
    _pseudonyms: dict = field(default_factory=dict, repr=False)
    _uids: dict = field(default_factory=dict, repr=False)

    @classmethod
    def for_organisation(cls, organisation, *, policy: DeidPolicy | None = None, source: str = "",
                         scope: str = "dicom") -> DeidContext:
        """Keys of `organisation` (unwrapped once). `scope` namespaces mapped UIDs: the default maps
        the same original UID to the same new one across all of the organisation's uploads."""
        ring = pseudonym_keyring(organisation)
        return cls(pseudonym_fn=ring.pseudonym, uid_fn=lambda original: ring.uid(scope, original),
                   derived_uid_fn=lambda *parts: ring.derived_uid(f"{scope}/derived", *parts),
                   policy=policy or DeidPolicy(), source=source)

    def pseudonym(self, kind: str, value: str) -> str:
        key = (kind, value)
        if key not in self._pseudonyms:
            self._pseudonyms[key] = self.pseudonym_fn(kind, value)
        return self._pseudonyms[key]

    def uid(self, original: str) -> str:
        if not self.replace_uids:
            return original
        if original not in self._uids:
            self._uids[original] = self.uid_fn(original)
        return self._uids[original]

    def derived_uid(self, *parts: str) -> str:
        if not self.source:
            raise ValueError("this context has no source; give DeidContext(source=<the file's SHA-256>)")
        return self.derived_uid_fn(self.source, *parts)

    def with_uids_kept(self) -> DeidContext:
        """The same keys and caches, keeping UIDs as they are."""
        return DeidContext(self.pseudonym_fn, self.uid_fn, self.derived_uid_fn, self.policy, self.source, False,
                           self._pseudonyms, self._uids)
