from django.urls import include, path

from access.api import views

app_name = "access_api"
urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("", include("access.api.applications")),  # applications
]
