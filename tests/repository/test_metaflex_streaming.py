"""A 65,407-image image.xml validates in bounded memory (streamed, not loaded)."""

from __future__ import annotations

import hashlib
import resource
import tracemalloc
from pathlib import Path

import pytest

from metaflex import validate_bundle
from repository.synthetic.small import dicom_stub
from tests.repository.metaflex_bundles import SCANNER, BundleBuilder

N_IMAGES = 65_407
IMAGE = """  <IMAGE alias="img{i}">
    <IMAGE_OF alias="slide1"/>
    <IMAGE_TYPE><WSI_IMAGE/></IMAGE_TYPE>
    <FILES>
      <FILE filename="IMAGES/IMAGE_img{i}/img{i}.dcm" checksum_method="SHA256" checksum="{sha}" filetype="dcm"/>
    </FILES>
    <ATTRIBUTES>
      <STRING_ATTRIBUTE><TAG>scanner_manufacturer</TAG><VALUE>Acme</VALUE></STRING_ATTRIBUTE>
      <STRING_ATTRIBUTE><TAG>scanner_model</TAG><VALUE>Scan 3000</VALUE></STRING_ATTRIBUTE>
      <STRING_ATTRIBUTE><TAG>scanner_software_versions</TAG><VALUE>1.2.3</VALUE></STRING_ATTRIBUTE>
      <STRING_ATTRIBUTE><TAG>acquisition_datetime</TAG><VALUE>2024-05-01T13:45:00</VALUE></STRING_ATTRIBUTE>
      <SET_ATTRIBUTE><TAG>base_layer_tile_size</TAG><VALUE>
        <NUMERIC_ATTRIBUTE><TAG>width</TAG><VALUE>256</VALUE></NUMERIC_ATTRIBUTE>
        <NUMERIC_ATTRIBUTE><TAG>height</TAG><VALUE>256</VALUE></NUMERIC_ATTRIBUTE>
      </VALUE></SET_ATTRIBUTE>
    </ATTRIBUTES>
  </IMAGE>
"""


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


@pytest.mark.slow
def test_65k_images_validate_in_bounded_memory(tmp_path: Path) -> None:
    builder = BundleBuilder(tmp_path)
    builder.trees["image"].clear()
    builder.remove("annotation", "ANNOTATION")  # it referenced img1 of the small bundle
    dataset = builder.find("dataset", "DATASET")
    for el in dataset.findall("IMAGE_REF") + dataset.findall("ANNOTATION_REF"):
        dataset.remove(el)
    observation = builder.find("observation", "OBSERVATION[@alias='obsv2']/IMAGE_REF")
    observation.set("alias", "img7")
    root = builder.write()
    for name in ("img1", "img2"):
        for path in (root / f"IMAGES/IMAGE_{name}").iterdir():
            path.unlink()
    (root / "METADATA/annotation.xml").unlink()
    (root / "ANNOTATIONS/ann1.json").unlink()

    data = dicom_stub("img", SCANNER)  # every image's header; the metadata lacks dimensions and µm/px
    sha = hashlib.sha256(data).hexdigest()
    with open(root / "METADATA/image.xml", "w") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<IMAGE_SET>\n')
        for i in range(N_IMAGES):
            fh.write(IMAGE.format(i=i, sha=sha))
            folder = root / f"IMAGES/IMAGE_img{i}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"img{i}.dcm").write_bytes(data)
        fh.write("</IMAGE_SET>\n")
    assert (root / "METADATA/image.xml").stat().st_size > 50_000_000

    rss_before = _max_rss_mb()
    tracemalloc.start()
    try:
        bundle, report = validate_bundle(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.ok, report.format()[:2000]
    assert bundle.counts["image"] == N_IMAGES
    assert len(bundle.image_facts) == N_IMAGES  # filled in from DICOM: one small tuple each
    assert len(report.problems) < 20, "warnings of one kind are counted, not listed"
    assert peak < 150 * 2**20, f"Python peak {peak / 2**20:.0f} MiB"
    assert _max_rss_mb() - rss_before < 300, "RSS grew by 300 MB or more"
    # The importer's second pass streams too.
    assert sum(1 for _ in bundle.iter_entities("image")) == N_IMAGES
