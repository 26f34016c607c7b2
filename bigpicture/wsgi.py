import os

from bigpicture.startup import run_or_explain

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigpicture.settings")


def _load():
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


application = run_or_explain(_load)
