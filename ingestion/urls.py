"""Ingestion pages: each area's module has its own `urlpatterns`."""

from ingestion.views import contributor, review, tickets

app_name = "ingestion"
urlpatterns = [*contributor.urlpatterns, *tickets.urlpatterns, *review.urlpatterns]
