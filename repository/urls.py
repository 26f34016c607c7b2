from django.urls import path

from repository.views import catalogue, landing

app_name = "repository"
urlpatterns = [
    path("datasets/", catalogue.catalogue, name="catalogue"),
    path("datasets/<str:accession>/", landing.landing_page, name="landing_page"),
    path("datasets/<str:accession>/v/<int:number>/", landing.landing_page, name="landing_page_version"),
]
