"""review pages (see ingestion/urls.py)."""

urlpatterns: list = []
