"""contributor pages (see ingestion/urls.py)."""

urlpatterns: list = []
