"""entitlements_recompute on its own: rows follow the application's state, members and license acceptance."""

import pytest

from access.models import Application, ApplicationMember, ApplicationState, Entitlement, LicenseAcceptance
from access.selectors.applications import application_license_versions
from access.services.catalogue import license_version_create
from access.services.entitlements import entitlements_recompute
from tests.access.applications.factories import CatalogueItemFactory, license_with_text
from tests.access.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _approved(applicant, item):
    application = Application.objects.create(applicant=applicant, state=ApplicationState.APPROVED)
    application.catalogue_items.add(item)
    return application


def test_rows_for_users_who_accepted_every_current_version():
    license = license_with_text("Use the data for research only.")
    item = CatalogueItemFactory(licenses=[license])
    applicant, member = UserFactory(), UserFactory()
    application = _approved(applicant, item)
    ApplicationMember.objects.create(application=application, user=member)
    [version] = application_license_versions(application)
    LicenseAcceptance.objects.create(user=applicant, license_version=version, application=application)

    assert entitlements_recompute(application=application) == {"started": 1, "ended": 0}
    assert list(Entitlement.objects.active().values_list("user", "dataset")) == [(applicant.pk, item.dataset_id)]
    assert entitlements_recompute(application=application) == {"started": 0, "ended": 0}

    license_version_create(license=license, text="Use the data for research only.\nCite the dataset.")
    assert not Entitlement.objects.active().exists()
    assert Entitlement.objects.get().end is not None


def test_the_same_text_makes_no_new_version():
    license = license_with_text("Terms.")
    assert license_version_create(license=license, text="Terms.  \n").number == 1
