"""CLAMD_ADDRESS is unix:///path or tcp://host:port; anything else is refused by name."""

import io

import pytest

from bigpicture.errors import PermanentError
from ingestion.scanning import scan_stream


@pytest.mark.parametrize("address", ["localhost:3310", "tcp://", "tcp://clamav:port", "unix://"])
def test_malformed_address_names_the_setting(address):
    with pytest.raises(PermanentError, match="CLAMD_ADDRESS .* expected unix:///path/to/clamd.ctl or tcp://host:3310"):
        scan_stream(io.BytesIO(b"data"), name="slide.svs", address=address)
