"""Whether a dataset version may be downloaded plain (over TLS) besides crypt4gh-encrypted.

crypt4gh downloads are always offered to entitled users. Plain ones:
- never with DOWNLOAD_PLAIN_ALLOWED=0;
- else as the version's POLICY attribute `plain_download` says ("Allowed"; anything else refuses);
- else only for a non-clinical dataset: clinical data leave the repository encrypted to the user's key.
"""

from __future__ import annotations

from django.conf import settings

from repository.models import DatasetVersion, Policy

PLAIN_TAG = "plain_download"
ALLOWED = "allowed"


def plain_download_allowed(version: DatasetVersion) -> bool:
    if not settings.DOWNLOAD_PLAIN_ALLOWED:
        return False
    said = policy_value(version, PLAIN_TAG)
    if said:
        return said.strip().lower() == ALLOWED
    return not version.is_clinical


def policy_value(version: DatasetVersion, tag: str) -> str:
    """The string value of the version's POLICY attribute `tag`, or ""."""
    for policy in Policy.objects.filter(version=version).only("attributes"):
        for attribute in policy.attributes or []:
            if attribute.get("tag") == tag and isinstance(attribute.get("value"), str):
                return attribute["value"]
    return ""
