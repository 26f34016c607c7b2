from django.urls import path

from access.api import permissions, views

app_name = "access_api"
urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("permissions/<str:user>", permissions.PermissionsView.as_view(), name="permissions"),
]
