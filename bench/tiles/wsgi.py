"""`bench.tiles.wsgi:application`: the portal with bench.tiles.urls as its URL conf (adds the bare view)."""

import os

import django
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigpicture.settings")
django.setup(set_prefix=False)
settings.ROOT_URLCONF = "bench.tiles.urls"

from django.core.wsgi import get_wsgi_application  # noqa: E402  (after the URL conf is set)

application = get_wsgi_application()
