"""MetaFleX 2.0 bundles: safe streaming parsing, validation and writing.

Pure Python (lxml), no Django: the database importer builds on this API.

    bundle, report = validate_bundle(path)          # every problem, with file:line
    validate_bundle(path, scanner_files=True)       # a submission: non-DICOM dcm files are to be converted
    if bundle is None: print(report.format())
    for image in bundle.iter_entities("image"): ...        # streamed again from disk
    write_bundle(source, out_dir, accessions={...}) # export, XSD-valid

See `validate.py` for rule ids and the memory design, `schema.py` for the
XSD tables, `datatypes.py` for the XSD value types and `xsi:type`, `profiles/*.toml`
(read by `profile.py`, applied by `rules.py`) for the attribute vocabulary, and
`dicom.py` / `encryption.py` for file contents.
"""

from .bundle import Bundle
from .parse import EntityReader, iter_entities, parse_file
from .types import Attribute, Entity, FileEntry, Problem, Ref, Report
from .validate import validate_bundle
from .write import EntityCollection, entity_element, write_bundle

__all__ = [
    "Attribute", "Bundle", "Entity", "EntityCollection", "EntityReader", "FileEntry", "Problem", "Ref",
    "Report", "entity_element", "iter_entities", "parse_file", "validate_bundle", "write_bundle",
]
