from django.urls import include, path

from access.api import permissions, views

app_name = "access_api"
urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("permissions/<str:user>", permissions.PermissionsView.as_view(), name="permissions"),
    path("", include("access.api.applications")),  # applications
]
