from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Access and identity"

    def ready(self) -> None:
        from access.services.permissions import permission_signals_connect  # models are loaded only now

        permission_signals_connect()
