from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from bigpicture import views
from metaflex.encryption import PUBLIC_KEY_PATH

urlpatterns = [
    # The access layer's pixel paths first: a viewer asks tens of tiles a second, and URLs resolve in order.
    path("", include("access.viewer_urls")),  # the slide viewer and its tiles
    path("dicomweb/", include("access.dicomweb.urls")),
    path("webdav/", include("access.webdav.urls")),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(PUBLIC_KEY_PATH.lstrip("/"), views.crypt4gh_public_key_file, name="crypt4gh_public_key"),
    path("", include("access.login_urls")),  # log in (local, Life Science AAI) and out
    path("account/", include("access.urls")),
    path("", include("access.public_urls")),  # /.well-known/jwks.json, /dacs/<pk>/
    path("admin/", admin.site.urls),
    path("api/v1/", include("access.api.urls")),
    path("api/v1/", include("repository.api.urls")),
    path("api/v1/", include("ingestion.api.urls")),
    path("submissions/", include("ingestion.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api_docs"),
    # access layer: downloads
    path("downloads/", include("access.download_urls")),

    path("", include("repository.urls")),
]
