from django.apps import AppConfig


class IngestionConfig(AppConfig):
    name = "ingestion"

    def ready(self) -> None:
        # Register the tasks in every process: transitions dispatch their follow-up tasks by name.
        from ingestion import tasks  # noqa: F401, PLC0415
