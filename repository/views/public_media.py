"""Landing-page sample images, served from the public storage area.

Only the sample images of visible, not withdrawn versions are served; any
other name in that area (another version's zip, a withdrawn dataset's image,
a left-over object) is a 404.
"""

from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from bigpicture.storage import storage_for
from repository.selectors.visibility import sample_image_visible

CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


@require_GET
# Names are content addressed, so bytes never change; an hour's caching still lets a withdrawal take effect.
@cache_control(public=True, max_age=3600)
def public_file(request, name: str):
    content_type = CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower())
    if content_type is None or not sample_image_visible(name=name):
        raise Http404("No such public file.")
    storage = storage_for("public")
    try:
        if not storage.exists(name):
            raise Http404("No such public file.")
        return FileResponse(storage.open(name, "rb"), content_type=content_type)
    except SuspiciousFileOperation:
        raise Http404("No such public file.") from None
