"""A dataset's image policy: what de-identification does with the label and overview images, and
whether the pipeline's previews may be published as landing-page sample images.

The POLICY attributes `label_image` (Remove | Keep), `overview_image` (Remove | Blank | Keep) and
`public_preview` (Allowed | Not allowed) decide, in any spelling the profile reads; an absent or
unknown value (the validator warns about it) falls back to the settings PIPELINE_LABEL_POLICY,
PIPELINE_OVERVIEW_POLICY and PIPELINE_PUBLIC_PREVIEW. `image_plans` records the result in each job's
plan, so a changed policy makes a new job and what ran is what the plan says.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.conf import settings

from ingestion.deid.context import DeidPolicy
from metaflex.profile import find_attribute, load_profile

PREVIEW_ALLOWED = "Allowed"


@dataclass(frozen=True)
class ImagePolicy:
    label: str  # "remove" | "keep"
    overview: str  # "remove" | "blank" | "keep"
    public_preview: bool

    def deid(self) -> DeidPolicy:
        return DeidPolicy(label=self.label, overview=self.overview)

    def as_plan(self) -> dict:
        return asdict(self)

    @property
    def text(self) -> str:
        """For the steward: 'label removed · overview blanked · preview published'."""
        done = {"remove": "removed", "blank": "blanked", "keep": "kept"}
        preview = "published on the landing page" if self.public_preview else "not published"
        return f"label {done[self.label]} · overview {done[self.overview]} · preview {preview}"


def default_policy() -> ImagePolicy:
    return ImagePolicy(label=settings.PIPELINE_LABEL_POLICY, overview=settings.PIPELINE_OVERVIEW_POLICY,
                       public_preview=bool(settings.PIPELINE_PUBLIC_PREVIEW))


def _term(policy, tag: str) -> str | None:
    """The attribute's vocabulary term (canonical value), or None when absent, nil or unknown."""
    profile = load_profile()
    attribute = find_attribute(policy.attributes if policy else None, tag, profile)
    if attribute is None or attribute.nil or attribute.kind != "string" or not attribute.value:
        return None
    term = profile.spec("policy", tag).vocabulary.lookup(attribute.value)
    return term.value if term else None


def bundle_policy(bundle) -> ImagePolicy:
    """The image policy of a (validated) bundle: its POLICY attributes, else the settings."""
    default = default_policy()
    label, overview, preview = (_term(bundle.policy, tag) for tag in ("label_image", "overview_image",
                                                                     "public_preview"))
    return ImagePolicy(label=label.lower() if label else default.label,
                       overview=overview.lower() if overview else default.overview,
                       public_preview=preview == PREVIEW_ALLOWED if preview else default.public_preview)


def job_policy(job) -> ImagePolicy:
    """The policy a job's plan recorded (the settings for a plan from before plans had one)."""
    recorded = (job.plan or {}).get("policy")
    return ImagePolicy(**recorded) if recorded else default_policy()
