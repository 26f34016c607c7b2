from django.urls import path

from access.api import views

app_name = "access_api"
urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
]
