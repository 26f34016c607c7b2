"""`python -m bench.upload.seed`: a contributor with a signed DSA and an API token, in $DATABASE_URL.

Prints one JSON line: {"token": ..., "organisation": slug}. Run as a child so the
benchmark's own process never needs the upload database's settings.
"""

from __future__ import annotations

import json
import os
import uuid

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigpicture.settings")
    django.setup()
    from access.roles import Role
    from access.services import organisation_create, token_create, user_create
    from governance.demo import demo_dsa_seed

    tag = uuid.uuid4().hex[:8]
    organisation = organisation_create(name=f"Upload bench {tag}", slug=f"upload-bench-{tag}")
    contributor = user_create(username=f"bench-contributor-{tag}", email=f"c-{tag}@example.org", password=None,
                              organisation=organisation, roles=(Role.CONTRIBUTOR,))
    steward = user_create(username=f"bench-steward-{tag}", email=f"s-{tag}@example.org", password=None,
                          roles=(Role.DATA_STEWARD,))
    demo_dsa_seed(organisation=organisation, signatory=contributor, steward=steward)
    token = token_create(user=contributor, name="upload benchmark", days=1)[1]
    print(json.dumps({"token": token, "organisation": organisation.slug}))


if __name__ == "__main__":
    main()
