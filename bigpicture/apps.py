from django.apps import AppConfig


class BigpictureConfig(AppConfig):
    name = "bigpicture"
    verbose_name = "Portal core"
