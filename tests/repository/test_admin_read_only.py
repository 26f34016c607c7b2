"""Published content is view-only in the admin: no editable field, no change, add or delete goes through."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.forms.models import model_to_dict

from repository import models as m

# Every model that holds published content, with the first row of the imported version.
PUBLISHED_MODELS = [model for model in apps.get_app_config("repository").get_models() if model is not m.Accession]
EDITABLE = re.compile(r"<(?:textarea|select)\b|<input\b(?![^>]*type=\"hidden\")", re.IGNORECASE)


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))
    return client


def _form_of(page: str, model) -> str:
    match = re.search(rf'<form[^>]*id="{model._meta.model_name}_form".*?</form>', page, re.DOTALL)
    assert match, f"no change form for {model.__name__}"
    return match.group(0)


def _row(model, version):
    rows = model.objects.all()
    return rows.filter(pk=version.dataset_id).first() if model is m.Dataset else rows.order_by("pk").first()


@pytest.mark.parametrize("model", PUBLISHED_MODELS, ids=lambda model: model.__name__)
def test_published_rows_are_view_only(superuser_client, imported_version, model):
    row = _row(model, imported_version)
    assert row is not None, f"the imported version has no {model.__name__}"
    url = f"/admin/repository/{model._meta.model_name}/{row.pk}/"
    response = superuser_client.get(f"{url}change/")
    assert response.status_code == 200
    form = _form_of(response.content.decode(), model)
    assert not EDITABLE.search(form), EDITABLE.search(form).group(0)
    assert 'name="_save"' not in form

    before = model_to_dict(row)
    fields = {name: "changed by the admin" for name in ("title", "summary", "fields", "attributes", "alias",
                                                          "filename", "value", "changelog")}
    assert superuser_client.post(f"{url}change/", fields).status_code == 403
    assert superuser_client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert model_to_dict(row) == before
    assert superuser_client.get(f"/admin/repository/{model._meta.model_name}/add/").status_code == 403


@pytest.mark.parametrize("model", PUBLISHED_MODELS, ids=lambda model: model.__name__)
def test_no_bulk_delete_action(rf, django_user_model, db, model):
    request = rf.get("/")
    request.user = django_user_model(is_superuser=True, is_staff=True)
    assert "delete_selected" not in admin.site._registry[model].get_actions(request)


def test_an_unpublished_version_can_still_be_cleaned_up(superuser_client, imported_version):
    draft = m.DatasetVersion.objects.create(dataset=imported_version.dataset, number=2, alias="ds1",
                                            title="Draft", short_name="D", version_label="2",
                                            metadata_standard="2.0.0")
    response = superuser_client.post(f"/admin/repository/datasetversion/{draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not m.DatasetVersion.objects.filter(pk=draft.pk).exists()
