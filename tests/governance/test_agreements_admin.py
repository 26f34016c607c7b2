"""The admin records agreements, versions, signatures and memberships through the services (audited)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from access.models import Membership
from access.roles import MembershipRole
from access.services import membership_grant, organisation_create, user_create
from governance.models import Agreement, AgreementVersion, AuditEvent, Signature
from tests.governance.factories import PDF


@pytest.fixture
def admin_client(client, db):
    admin = user_create(username="root", email="root@example.org", password=None)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def test_membership_inline_grants_and_revokes(admin_client):
    hospital = organisation_create(name="Turku Pathology", slug="turku")
    person = user_create(username="aino", email="aino@example.org", password=None)
    form = {"name": hospital.name, "slug": hospital.slug, "country": "FI", "website": "", "contact_email": "",
            "node": "", "upload_quota_bytes": "", "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": str(person.pk), "memberships-0-role": "signatory"}
    response = admin_client.post(f"/admin/access/organisation/{hospital.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = Membership.objects.get(user=person, organisation=hospital, role=MembershipRole.SIGNATORY)
    form.update({"memberships-INITIAL_FORMS": "1", "memberships-0-id": str(membership.pk),
                 "memberships-0-organisation": str(hospital.pk), "memberships-0-DELETE": "on"})
    assert admin_client.post(f"/admin/access/organisation/{hospital.pk}/change/", form).status_code == 302
    assert not Membership.objects.exists()
    assert list(AuditEvent.objects.filter(target_type="access.membership").values_list("action", flat=True)) == [
        "membership.grant", "membership.revoke"]


def test_agreement_version_and_signature_are_added_through_the_services(transactional_db, admin_client,
                                                                      storage_backend):
    hospital = organisation_create(name="Turku Pathology", slug="turku")
    signer = user_create(username="aino", email="aino@example.org", password=None)
    membership_grant(user=signer, organisation=hospital, role=MembershipRole.SIGNATORY)
    response = admin_client.post("/admin/governance/agreement/add/",
                                 {"kind": "dsa", "title": "Data Sharing Agreement", "slug": "dsa"})
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    response = admin_client.post("/admin/governance/agreementversion/add/", {
        "agreement": agreement.pk, "label": "1.0", "text": "", "effective_from_0": "2026-01-01",
        "effective_from_1": "00:00:00", "pdf": SimpleUploadedFile("dsa.pdf", PDF, "application/pdf")})
    assert response.status_code == 302
    version = AgreementVersion.objects.get()
    signature_form = {"agreement_version": version.pk, "organisation": hospital.pk, "signed_by": signer.pk,
                      "signed_at_0": "2026-02-01", "signed_at_1": "10:00:00", "valid_until_0": "",
                      "valid_until_1": ""}
    refused = admin_client.post("/admin/governance/signature/add/", {
        **signature_form, "signed_pdf": SimpleUploadedFile("signed.pdf", b"GIF89a", "application/pdf")})
    assert refused.status_code == 200
    assert "The signed copy is not a PDF" in refused.content.decode()
    response = admin_client.post("/admin/governance/signature/add/", {
        **signature_form, "signed_pdf": SimpleUploadedFile("signed.pdf", PDF, "application/pdf")})
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.recorded_by.username == "root"
    assert {f"default/{version.pdf.name}", f"default/{signature.signed_pdf.name}"} == \
        storage_backend.objects("default")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"agreement.create", "agreement.version_publish", "agreement.signature_record"} <= actions
    # Recorded, not edited: the change page is read-only.
    page = admin_client.get(f"/admin/governance/signature/{signature.pk}/change/").content.decode()
    assert 'name="signed_pdf"' not in page
    for url in ("/admin/governance/signature/", "/admin/governance/agreementversion/",
                "/admin/access/apitoken/", "/admin/access/user/", f"/admin/access/organisation/{hospital.pk}/change/"):
        assert admin_client.get(url).status_code == 200, url
