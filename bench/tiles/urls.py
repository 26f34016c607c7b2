"""The portal's URLs plus a bare view returning a fixed 20 KB: the tile benchmark's baseline.

It runs under the same gunicorn, handler and middleware as the tiles, with no session,
permission, audit or storage work, so `tiles/s ÷ bare/s` is what a tile costs on top of Django.
"""

from django.http import HttpResponse
from django.urls import include, path

BARE_PATH = "/bench-tiles/bare"
BARE_BODY = bytes(range(256)) * 80  # 20,480 bytes, about a JPEG tile


def bare(request):
    return HttpResponse(BARE_BODY, content_type="image/jpeg")


urlpatterns = [
    path(BARE_PATH.lstrip("/"), bare),
    path("", include("bigpicture.urls")),
]
