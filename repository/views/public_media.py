"""Landing-page sample images: public by definition, served from the public storage area."""

from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from bigpicture.storage import storage_for

CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


@require_GET
@cache_control(public=True, max_age=86400, immutable=True)
def public_file(request, name: str):
    # Names are content addressed (<dataset>/<sha[:2]>/<sha>.<type>), so they never change.
    content_type = CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower())
    storage = storage_for("public")
    try:
        if content_type is None or not storage.exists(name):
            raise Http404("No such public file.")
        return FileResponse(storage.open(name, "rb"), content_type=content_type)
    except SuspiciousFileOperation:
        raise Http404("No such public file.") from None
