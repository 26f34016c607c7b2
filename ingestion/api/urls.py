"""The submissions API (see ingestion/PROTOCOL.md)."""

app_name = "ingestion_api"
urlpatterns: list = []
