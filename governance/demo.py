"""The demo's Data Sharing Agreement: published once, signed by the demo organisation (idempotent).

`bigpicture.demo` calls `demo_dsa_seed` after seeding its accounts, so the demo contributor can submit.
"""

from __future__ import annotations

import io

from django.db import transaction

from access.roles import MembershipRole
from access.services import membership_grant
from governance.models import AgreementKind
from governance.selectors import agreement_current_version, dsa_agreement, dsa_missing
from governance.services.agreements import agreement_create, agreement_version_publish, signature_record

DEMO_DSA_TEXT = ("Demo Data Sharing Agreement. The organisation shares pseudonymised whole-slide images and "
                 "their metadata with the repository under the terms of its published policies. This text is "
                 "for demonstration only.")
# The smallest document PDF readers open: one empty page.
DEMO_SIGNED_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
                   b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n"
                   b"%%EOF\n")


@transaction.atomic
def demo_dsa_seed(*, organisation, signatory, steward) -> None:
    agreement = dsa_agreement() or agreement_create(kind=AgreementKind.DSA, title="Bigpicture Data Sharing Agreement",
                                                   slug="bigpicture-dsa", actor=steward)
    version = agreement_current_version(agreement) or agreement_version_publish(
        agreement=agreement, label="1.0", text=DEMO_DSA_TEXT, actor=steward)
    membership_grant(user=signatory, organisation=organisation, role=MembershipRole.SIGNATORY, actor=steward)
    if dsa_missing(organisation):
        signature_record(agreement_version=version, organisation=organisation, signed_by=signatory,
                         signed_pdf=io.BytesIO(DEMO_SIGNED_PDF), recorded_by=steward)
