"""The slide viewer and its Deep Zoom tiles, under /images/ (see access.views.tiles)."""

from django.urls import path

from access.views import tiles

app_name = "tiles"

urlpatterns = [
    path("images/<str:accession>/view", tiles.viewer, name="viewer"),
    path("images/<str:accession>/slide.dzi", tiles.dzi, name="dzi"),
    path("images/<str:accession>/slide_files/<int:level>/<int:col>_<int:row>.jpeg", tiles.tile, name="tile"),
]
