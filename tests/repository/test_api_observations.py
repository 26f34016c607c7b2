"""Observations name their one target and their observers, and keep statement codes typed."""

from repository.models import Case, Observer
from tests.repository.api_factories import ImageFactory, ObservationFactory, populated_version


def test_observation_target_observers_and_statement(client, db):
    version = populated_version()
    image = ImageFactory(version=version, slides=[])
    ObservationFactory(version=version, case=None, image=image, freetext=None, custom_attributes=[
        {"kind": "numeric", "tag": "tumour_cell_fraction", "value": None, "nil": True}])
    response = client.get(f"/api/v1/datasets/{version.dataset.accession}/versions/1/observations/")
    assert response.status_code == 200
    about_case, about_image = response.json()["results"]
    assert about_case["target"] == {"kind": "case", "accession": Case.objects.get().accession}
    observer = Observer.objects.order_by("pk").first()
    assert about_case["observers"] == [{"accession": observer.accession, "alias": observer.alias, "attributes": [],
                                        "observer_type": "Human"}]
    assert about_case["statement_type"] == "Diagnosis"
    assert about_case["codes"][0]["value"]["meaning"] == "Invasive ductal carcinoma"
    assert about_case["custom_attributes"] is None
    assert about_image["target"] == {"kind": "image", "accession": image.accession}
    assert about_image["freetext"] is None
    assert about_image["custom_attributes"] == [
        {"kind": "numeric", "tag": "tumour_cell_fraction", "value": None, "units": None, "nil": True}]
