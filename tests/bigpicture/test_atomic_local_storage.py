"""Local storage never shows a partly written file under its final name."""

import pytest
from django.core.files import File

from bigpicture.storage import storage_for, storage_settings


class BrokenStream:
    """Gives some bytes, then fails, as a source on a dying disk or network would."""

    def __init__(self):
        self.calls = 0

    def read(self, size=-1):
        self.calls += 1
        if self.calls > 3:
            raise OSError("the source went away")
        return b"x" * 65536


def test_a_write_cut_short_leaves_nothing(settings, tmp_path):
    settings.STORAGES = storage_settings(backend="local", media_root=tmp_path, static_manifest=False)
    with pytest.raises(OSError, match="went away"):
        storage_for("archive").save("ds/ab/slide.dcm", File(BrokenStream()))
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
