from django.urls import path

from repository.api import views

app_name = "repository_api"
VERSION = "datasets/<str:accession>/versions/<int:number>/"
urlpatterns = [
    path("datasets/", views.DatasetListView.as_view(), name="dataset-list"),
    path("datasets/facets/", views.DatasetFacetsView.as_view(), name="dataset-facets"),
    path("datasets/<str:accession>/", views.DatasetDetailView.as_view(), name="dataset-detail"),
    path("datasets/<str:accession>/versions/", views.DatasetVersionListView.as_view(), name="dataset-version-list"),
    path(VERSION, views.DatasetVersionDetailView.as_view(), name="dataset-version-detail"),
    path(f"{VERSION}samples/", views.SampleListView.as_view(), name="version-samples"),
    path(f"{VERSION}images/", views.ImageListView.as_view(), name="version-images"),
    path(f"{VERSION}observations/", views.ObservationListView.as_view(), name="version-observations"),
    path(f"{VERSION}annotations/", views.AnnotationListView.as_view(), name="version-annotations"),
]
