"""Licenses are versioned by content hash: re-acceptance only on a real change, and the user sees the diff."""

import pytest
from django.urls import reverse

from access.selectors.applications import license_diff, user_unaccepted_versions
from access.services.catalogue import license_version_create
from tests.access.applications.conftest import run
from tests.access.applications.factories import LicenseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_a_real_change_asks_again_and_shows_what_changed(approved, applicant, item):
    license = item.licenses.get()
    same = license_version_create(license=license, text="Research use only.\n")
    assert same.number == 1 and user_unaccepted_versions(applicant, approved) == []
    new = license_version_create(license=license, text="Research use only.\nNo re-identification.")
    assert new.number == 2
    assert user_unaccepted_versions(applicant, approved) == [new]
    previous, diff = license_diff(applicant, new)
    assert previous.number == 1
    assert ("add", "+No re-identification.") in diff
    run(approved, "accept-licenses", applicant)
    assert user_unaccepted_versions(applicant, approved) == []


def test_no_diff_for_a_license_never_accepted(draft, applicant, item):
    [version] = user_unaccepted_versions(applicant, draft)
    assert license_diff(applicant, version) == (None, [])


def test_a_link_license_changes_with_its_url(item):
    license = LicenseFactory(kind="link")
    first = license_version_create(license=license, url="https://example.org/dua-v1")
    assert license_version_create(license=license, url="https://example.org/dua-v1").pk == first.pk
    assert license_version_create(license=license, url="https://example.org/dua-v2").number == 2


def test_my_applications_asks_for_the_new_terms(client, approved, applicant, item):
    client.force_login(applicant)
    assert "Accept the terms" not in client.get(reverse("access:my_applications")).content.decode()
    license_version_create(license=item.licenses.get(), text="Research use only. Cite us.")
    assert "Accept the terms" in client.get(reverse("access:my_applications")).content.decode()
