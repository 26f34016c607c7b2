"""`python -m bench.tiles.seed <workdir> <users>`: one published slide and entitled users, in $DATABASE_URL.

Writes a synthetic DICOM WSI bundle, imports it with `import_metaflex` (MEDIA_ROOT from the
environment), runs one application per user through the command engine (create, submit,
approve by the DAC's handler) and logs each user in. Prints one JSON line: the image accession,
the session cookies, the archive paths of the slide's instances and its DZI geometry.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path

import django

WIDTH, HEIGHT = 6144, 4608  # 24 x 18 frames of 256 px at the base level


def main(workdir: str, users: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigpicture.settings")
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from access.applications.commands import application_command
    from access.models import User
    from access.selectors.pixels import image_for_pixels
    from access.tiles.deepzoom import deep_zoom
    from bigpicture.storage import storage_for
    from repository.models import DatasetVersion, Image
    from repository.synthetic.bundles import BundleSpec, write_synthetic_bundle

    tag = uuid.uuid4().hex[:8]
    spec = BundleSpec(alias=f"bench-tiles-{tag}", title="Tile benchmark", short_name="Tiles",
                      description="One synthetic DICOM WSI for the tile benchmark.", cases=1, images=1,
                      image_files="dicom", slide_width=WIDTH, slide_height=HEIGHT, seed=7, landing_sample=False)
    bundle = write_synthetic_bundle(Path(workdir) / "bundle", spec)
    call_command("import_metaflex", str(bundle), verbosity=0)
    version = DatasetVersion.objects.select_related("dataset").get(alias=spec.alias)
    item = version.dataset.catalogue_items.get(ended_at__isnull=True)
    handler = User.objects.create(username=f"bench-handler-{tag}")
    item.workflow.handlers.add(handler)
    cookies = []
    for n in range(users):
        user = User.objects.create(username=f"bench-viewer-{tag}-{n}")
        application = application_command(application=None, command="create", actor=user,
                                          catalogue_items=[item.pk]).application
        application_command(application=application, command="submit", actor=user)
        application_command(application=application, command="approve", actor=handler)
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    image = Image.objects.get(version=version)
    pixels = image_for_pixels(User.objects.get(username=f"bench-viewer-{tag}-0"), image.accession)
    zoom = deep_zoom(pixels)
    archive = storage_for("archive")
    print(json.dumps({"accession": image.accession, "cookies": cookies,
                      "files": [archive.path(f.storage_name) for f in pixels.files],
                      "width": zoom.width, "height": zoom.height, "tile_size": zoom.tile_size,
                      "max_level": zoom.max_level}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
