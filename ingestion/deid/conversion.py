"""De-identification during conversion of scanner files: wsidicomizer writes clean instances.

`dicomizer_options(context)` gives `WsiDicomizer.convert` (through ingestion.slides.convert):
- `include_confidential=False`: wsidicomizer leaves out what it reads as confidential from the
  source (patient, label text and barcode, acquisition date-time, device serial number);
- `metadata_post_processor`: the profile on every instance's dataset before it is written, with
  the UIDs kept (they are new already);
- `uid_generator`: UIDs derived from `context.source` (the source file's SHA-256) and each UID's
  role, so converting the same file again gives the same UIDs;
- `include_label` / `include_overview` from the policy.
The pixels are never rewritten, except an overview under the "blank" policy: `conversion_finish`
blanks it after the conversion (a small image).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset
from pydicom.uid import UID
from wsidicom.metadata import Pyramid, Series, Study, UidGenerator, WsiMetadata
from wsidicom.metadata.sample import SlideSample

from ingestion.deid.context import DeidContext
from ingestion.deid.instance import deidentify_file, image_type_of
from ingestion.deid.profile import deidentify_dataset


class DerivedUidGenerator(UidGenerator):
    """wsidicom's per-role UID contract, answered with keyed UIDs derived from the source and the role.

    Roles that can repeat (samples, pyramids, instances) count their occurrences; wsidicomizer
    generates in a fixed order, so a re-run counts the same way.
    """

    def __init__(self, context: DeidContext):
        self._context = context
        self._seen: Counter[str] = Counter()

    def _uid(self, role: str) -> UID:
        occurrence = self._seen[role]
        self._seen[role] += 1
        return UID(self._context.derived_uid(role, str(occurrence)))

    def study_uid(self, study: Study) -> UID:
        return self._uid("study")

    def series_uid(self, series: Series) -> UID:
        return self._uid("series")

    def frame_of_reference_uid(self, metadata: WsiMetadata) -> UID:
        return self._uid("frame-of-reference")

    def dimension_organization_uid(self, metadata: WsiMetadata) -> UID:
        return self._uid("dimension-organization")

    def sample_uid(self, sample: SlideSample) -> UID:
        return self._uid("sample")

    def pyramid_uid(self, pyramid: Pyramid) -> UID:
        return self._uid("pyramid")

    def sop_uid(self, dataset: Dataset) -> UID:
        role = ":".join(str(part) for part in (
            "sop", image_type_of(dataset), dataset.get("TotalPixelMatrixColumns", dataset.get("Columns", "")),
            dataset.get("TotalPixelMatrixRows", dataset.get("Rows", "")), dataset.get("NumberOfFrames", "")))
        return self._uid(role)

    def annotation_group_uid(self) -> UID:
        return self._uid("annotation-group")


def _post_processor(context: DeidContext):
    kept = context.with_uids_kept()

    def post_process(dataset: Dataset, metadata: WsiMetadata) -> Dataset:
        deidentify_dataset(dataset, context=kept)
        return dataset

    return post_process


def dicomizer_options(context: DeidContext) -> dict:
    """Keyword arguments for `WsiDicomizer.convert` that make it write de-identified instances."""
    if not context.source:
        raise ValueError("dicomizer_options needs DeidContext(source=<the source file's SHA-256>) for "
                         "repeatable UIDs")
    return {
        "uid_generator": DerivedUidGenerator(context),
        "include_confidential": False,
        "metadata_post_processor": _post_processor(context),
        "include_label": context.policy.label == "keep",
        "include_overview": context.policy.overview != "remove",
    }


def conversion_finish(paths: list[Path], *, context: DeidContext) -> list[Path]:
    """After a conversion with these options: blank the overview when the policy says so.

    Rewrites only the overview file, in place (through a temporary file); returns the paths.
    """
    if context.policy.overview != "blank":
        return [Path(p) for p in paths]
    kept = context.with_uids_kept()
    for path in map(Path, paths):
        header = pydicom.dcmread(path, stop_before_pixels=True)
        if image_type_of(header) == "OVERVIEW":
            blanked = path.with_name(f".{path.name}.blank")
            deidentify_file(path, blanked, context=kept)
            blanked.replace(path)
    return [Path(p) for p in paths]
