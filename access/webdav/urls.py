from django.urls import path, re_path

from access.views.webdav import webdav

app_name = "webdav"
urlpatterns = [
    path("", webdav, name="root"),
    re_path(r"^(?P<path>.+)$", webdav, name="path"),
]
