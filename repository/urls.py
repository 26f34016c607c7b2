from django.urls import path

from repository import views

app_name = "repository"
urlpatterns = [
    path("datasets/", views.catalogue, name="catalogue"),
    path("datasets/<str:accession>/", views.landing_page, name="landing_page"),
    path("datasets/<str:accession>/v/<int:number>/", views.landing_page, name="landing_page_version"),
]
