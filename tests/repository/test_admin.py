"""Every repository model is in the admin, with accessions read-only."""

import pytest
from django.apps import apps
from django.contrib import admin

from bigpicture.demo import demo_accounts_seed


def test_every_model_is_registered():
    missing = [model.__name__ for model in apps.get_app_config("repository").get_models()
               if model not in admin.site._registry]
    assert missing == []


def test_accession_is_read_only_everywhere(rf):
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label == "repository" and any(f.name == "accession" for f in model._meta.fields):
            assert "accession" in model_admin.get_readonly_fields(rf.get("/")), model.__name__


@pytest.mark.parametrize("model", [m for m in apps.get_app_config("repository").get_models()])
def test_changelists_render(client, db, model):
    admin_account = next(a for a in demo_accounts_seed() if a.username == "admin")
    client.login(username=admin_account.username, password=admin_account.password)
    url = f"/admin/repository/{model._meta.model_name}/"
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "bp-"}).status_code == 200
