"""The portal's URLs plus one trivial view: the baseline of the catalogue benchmark.

The baseline goes through the same client, handler and middleware as the pages measured
and makes one database round trip (`SELECT 1`), so `page / baseline` is what the page
itself adds on top of Django's request cycle and the database's latency.
"""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET

BASELINE_PATH = "/bench-catalogue/select-1"


@require_GET
def select_one(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path(BASELINE_PATH.lstrip("/"), select_one),
    path("", include("bigpicture.urls")),
]
