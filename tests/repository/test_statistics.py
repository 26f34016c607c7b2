"""The public statistics page: only public versions count, tables aggregate in the database, CSV downloads."""

import csv
import datetime
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.access.factories import OrganisationFactory
from tests.repository.factories import DatasetVersionFactory


def _at(year: int, month: int) -> datetime.datetime:
    return datetime.datetime(year, month, 15, 12, tzinfo=datetime.UTC)


def _csv(client, table: str) -> list[list[str]]:
    response = client.get(f"/statistics/{table}.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="bigpicture-{table}-')
    return list(csv.reader(io.StringIO(response.content.decode())))


def _publish(organisation, images: int, when, facets=(), **kwargs):
    return DatasetVersionFactory(dataset__organisation=organisation, images_count=images, total_bytes=images * 1000,
                                 published_at=when, facet_values=list(facets), **kwargs)


def test_only_public_latest_versions_count(client, db):
    lund = OrganisationFactory(name="Lund University", country="SE")
    first = _publish(lund, 10, _at(2024, 1), [("stain", "H&E"), ("species", "Homo sapiens")])
    _publish(lund, 5, _at(2024, 3), [("stain", "H&E"), ("stain", "Ki-67")], dataset=first.dataset, number=2)
    _publish(lund, 999, _at(2024, 2), [("stain", "Hidden stain")], dataset__status="registered")
    _publish(lund, 7, _at(2024, 2), [("stain", "Deprecated stain")], dataset__status="deprecated")

    assert _csv(client, "organisations") == [
        ["Organisation", "Country", "Datasets", "WSIs", "Size (bytes)"],
        ["Lund University", "SE", "2", "12", "12000"],
    ]
    assert _csv(client, "stains") == [
        ["Stain", "Datasets", "WSIs in these datasets"],
        ["Deprecated stain", "1", "7"], ["H&E", "1", "5"], ["Ki-67", "1", "5"],
    ]
    assert _csv(client, "species") == [["Species", "Datasets", "WSIs in these datasets"]]
    page = client.get("/statistics/").content.decode()
    assert "Hidden stain" not in page and "999" not in page and "Ki-67" in page


def test_growth_is_cumulative_from_first_publication(client, db):
    organisation = OrganisationFactory()
    first = _publish(organisation, 10, _at(2024, 1))
    _publish(organisation, 4, _at(2024, 4), dataset=first.dataset, number=2)
    _publish(organisation, 6, _at(2024, 3))
    rows = _csv(client, "growth")
    assert rows[0] == ["Month", "New datasets", "New WSIs", "Datasets (cumulative)", "WSIs (cumulative)"]
    assert rows[1:4] == [["2024-01", "1", "4", "1", "4"], ["2024-02", "0", "0", "1", "4"],
                         ["2024-03", "1", "6", "2", "10"]]
    # Every month up to now is listed, so the chart runs to today.
    assert rows[-1][3:] == ["2", "10"] and len(rows) > 4
    page = client.get("/statistics/").content.decode()
    assert page.count('<svg viewBox="0 0 560 240" role="img"') == 2
    assert "Whole-slide images grew from 4 in January 2024 to 10 in" in page
    assert "<summary>Growth per month as a table</summary>" in page


def test_queries_do_not_grow_with_the_number_of_datasets(client, db):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/statistics/").status_code == 200
        return len(captured)

    organisation = OrganisationFactory()
    _publish(organisation, 3, _at(2024, 1), [("stain", "H&E"), ("species", "Mus musculus")])
    few = queries()
    for index in range(12):
        _publish(OrganisationFactory(), index, _at(2024, 1 + index % 12),
                 [("stain", f"Stain {index}"), ("species", "Homo sapiens")])
    assert queries() == few


def test_empty_portal_and_unknown_table(client, db):
    page = client.get("/statistics/").content.decode()
    assert "No datasets have been published yet." in page and 'role="img"' not in page
    assert _csv(client, "growth") == [["Month", "New datasets", "New WSIs", "Datasets (cumulative)",
                                       "WSIs (cumulative)"]]
    assert client.get("/statistics/nothing.csv").status_code == 404


def test_csv_does_not_hand_spreadsheets_a_formula(client, db):
    _publish(OrganisationFactory(name="=HYPERLINK(\"http://x\")"), 1, _at(2024, 1), [("species", "+cmd")])
    assert _csv(client, "organisations")[1][0] == "'=HYPERLINK(\"http://x\")"
    assert _csv(client, "species")[1][0] == "'+cmd"
