"""Public access URLs at the site root: the visa JWKS and the DAC pages that visas name."""

from django.urls import path

from access.views import dacs, jwks
from access.visas.signing import JWKS_PATH

urlpatterns = [
    path(JWKS_PATH.lstrip("/"), jwks.jwks_json, name="jwks"),
    path("dacs/<int:pk>/", dacs.dac_detail, name="dac"),
]
