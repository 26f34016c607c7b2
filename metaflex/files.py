"""Data-file checks: listed files exist, match their SHA256, stay inside the
bundle, hold what they claim, and nothing on disk is left unlisted.

Content checks, before anything is archived:
- a `dcm` file is DICOM: the 128-byte preamble and `DICM`, and a header
  pydicom reads (header only; that same read gives the image facts); with
  `scanner_files` (a contributor's submission, which the repository converts)
  a `dcm` file without the DICOM preamble is a scanner file (SVS, NDPI, MRXS,
  OME-TIFF...) to be converted: a warning, and no image facts;
- a crypt4gh-encrypted file must decrypt with the repository's key; a `dcm`
  one is checked on its decrypted head;
- a landing-page sample image is public: it must be under `LANDING_PAGE/`,
  really a JPEG or PNG as its filetype says (Pillow), at most
  `SAMPLE_IMAGE_MAX_PIXELS` a side and `SAMPLE_IMAGE_MAX_BYTES`.

Only the set of listed paths is kept in memory (one short string per file);
each file is read once, in 1 MiB chunks, for its hash and its head. Where a
listed path really leads is found one component at a time from the folders
resolved before it (`_RealPaths`), not with a `resolve()` from `/` per file.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from pathlib import Path, PurePosixPath

from PIL import Image

from .dicom import DICM, PREAMBLE, DicomError, FileFacts, read_header
from .encryption import Crypt4GHReader, EncryptionError, Rewindable, is_encrypted
from .schema import BUNDLE_FILES, CHECKSUM_RE, OPTIONAL_LAYOUT_FILES
from .structure import FILES_TO_FILL
from .types import Entity, FileEntry, Problem

CHUNK = 1 << 20
SAMPLE_IMAGE_DIR = "LANDING_PAGE/"
SAMPLE_IMAGE_MAX_PIXELS = 2000  # per side, as Bigpicture landing pages show them
SAMPLE_IMAGE_MAX_BYTES = 10 << 20
SAMPLE_IMAGE_FORMATS = {"jpg": "JPEG", "png": "PNG"}  # filetype -> what Pillow must find
LAYOUT_XML_DIRS = ("METADATA", "PRIVATE")  # every *.xml directly in these is part of the layout
LAYOUT_FILES = frozenset({f.path for f in BUNDLE_FILES} | set(OPTIONAL_LAYOUT_FILES))


def read_head_and_hash(path: Path, *, digest: bool = True) -> tuple[bytes, str | None]:
    """The first `CHUNK` bytes, and the SHA256 of the whole file streamed in chunks (one read)."""
    with open(path, "rb") as handle:
        head = handle.read(CHUNK)
        if not digest:
            return head, None
        sha256 = hashlib.sha256(head)
        while chunk := handle.read(CHUNK):
            sha256.update(chunk)
    return head, sha256.hexdigest()


def is_layout_file(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    if rel in LAYOUT_FILES:
        return True
    return len(parts) == 2 and parts[0] in LAYOUT_XML_DIRS and parts[1].endswith(".xml")


class _RealPaths:
    """Real paths of bundle-relative paths, with the real paths of recent folders kept.

    A component that is a symbolic link is resolved in full (`os.path.realpath`); any other adds
    one `lstat`. Gives what `(root / rel).resolve()` gives for paths without `..` (refused before).
    """

    KEEP = 4096  # folders remembered; files are listed folder by folder, so few are needed

    def __init__(self, root: Path) -> None:
        self.root = str(root)  # resolved already
        self._folders: dict[str, str] = {"": self.root}

    def of(self, rel: str) -> str:
        parent, _, name = rel.rpartition("/")
        return self._step(self._folder(parent), name)

    def _folder(self, rel: str) -> str:
        found = self._folders.get(rel)
        if found is None:
            parent, _, name = rel.rpartition("/")
            found = self._step(self._folder(parent), name)
            if len(self._folders) >= self.KEEP:
                self._folders = {"": self.root}
            self._folders[rel] = found
        return found

    @staticmethod
    def _step(real_parent: str, name: str) -> str:
        path = os.path.join(real_parent, name)
        return os.path.realpath(path) if os.path.islink(path) else path

    def inside(self, real: str) -> bool:
        return real == self.root or real.startswith(self.root.rstrip("/") + "/")


class FileChecker:
    """Checks FILE entries as they stream past, then the disk for leftovers."""

    def __init__(self, root: Path, *, verify_checksums: bool = True, secret_key: bytes | None = None,
                 encrypted_as_sent: bool = False, scanner_files: bool = False) -> None:
        self.root = root.resolve()
        self._real = _RealPaths(self.root)
        self.verify_checksums = verify_checksums
        self.secret_key = secret_key
        self.encrypted_as_sent = encrypted_as_sent
        self.scanner_files = scanner_files
        self.listed: dict[str, tuple[str, int]] = {}  # path -> (file, line) of its FILE element
        self.encrypted: dict[str, str] = {}  # path -> SHA256 of the crypt4gh file, for the importer
        self.sample_sizes: dict[str, tuple[int, int]] = {}  # path -> (width, height) of a sample image
        self.problems: list[Problem] = []
        self._escaped: set[str] = set()

    def _add(self, rule: str, entity: Entity | None, line: int, element: str, message: str,
             *, file: str = "", severity: str = "error") -> None:
        self.problems.append(Problem(rule=rule, message=message, file=entity.source_file if entity else file,
                                     line=line, element=element, alias=entity.alias if entity else "",
                                     severity=severity))  # type: ignore[arg-type]

    def check(self, entity: Entity, entry: FileEntry, element: str = "FILE", *, hashed: bool = False
              ) -> FileFacts | None:
        """Check one listed file; for a DICOM file, return the facts its header gives.

        `hashed`: the checksum was just computed from the file (`fill`), so it is not read again for it.
        """
        name = entry.filename
        pure = PurePosixPath(name)
        if not name or "\\" in name or pure.is_absolute() or (len(name) > 1 and name[1] == ":") \
                or ".." in pure.parts:
            self._add("file.path_escape", entity, entry.line, element,
                      f"filename {name!r} must be a relative path inside the bundle using '/' and no '..' "
                      "(e.g. IMAGES/IMAGE_<alias>/image.dcm); fix the path.")
            return None
        rel = pure.as_posix()
        if rel in self.listed:
            file, line = self.listed[rel]
            self._add("file.duplicate", entity, entry.line, element,
                      f"{rel!r} is already listed at {file}:{line}; list each file once.")
            return None
        self.listed[rel] = (entity.source_file, entry.line)
        if element == "SAMPLE_IMAGE_FILE" and not rel.startswith(SAMPLE_IMAGE_DIR):
            self._add("sample_image.location", entity, entry.line, element,
                      f"{rel!r} cannot be a sample image: sample images are public, so only files under "
                      f"{SAMPLE_IMAGE_DIR} may be; put a JPEG or PNG preview there (e.g. "
                      f"{SAMPLE_IMAGE_DIR}THUMBNAILS/sample.jpg).")
            return None
        path = self.root / rel
        if not self._real.inside(self._real.of(rel)):
            self._escaped.add(rel)
            self._add("file.path_escape", entity, entry.line, element,
                      f"{rel!r} resolves outside the bundle (a symbolic link?); put the real file in the bundle.")
            return None
        if not path.is_file():
            self._add("file.missing", entity, entry.line, element,
                      f"{rel!r} is listed but not in the bundle; add the file or fix the filename.")
            return None
        if element == "SAMPLE_IMAGE_FILE" and path.stat().st_size > SAMPLE_IMAGE_MAX_BYTES:
            self._add("sample_image.size", entity, entry.line, element,
                      f"{rel!r} has {path.stat().st_size:,} bytes; sample images may have at most "
                      f"{SAMPLE_IMAGE_MAX_BYTES:,}. Save a smaller preview.")
            return None
        # Bad checksum patterns are schema.pattern problems already.
        head, actual = read_head_and_hash(path, digest=not hashed and self.verify_checksums and bool(
            CHECKSUM_RE.match(entry.checksum)))
        if actual is not None and actual != entry.checksum:
            self._add("file.checksum", entity, entry.line, element,
                      f"{rel!r} has SHA256 {actual}, but the metadata says {entry.checksum}; re-upload the file "
                      "or correct the checksum.")
            return None
        if is_encrypted(head):
            return self._encrypted(entity, entry, element, rel, path)
        if element == "SAMPLE_IMAGE_FILE":
            self._sample_image(entity, entry, rel, path)
        elif entry.filetype == "dcm":
            whole = len(head) < CHUNK
            with (io.BytesIO(head) if whole else open(path, "rb")) as handle:
                return self._dicom(entity, entry, element, rel, handle, head)
        return None

    def _dicom(self, entity: Entity, entry: FileEntry, element: str, rel: str, handle, head: bytes
               ) -> FileFacts | None:
        if self.scanner_files and head[PREAMBLE:PREAMBLE + 4] != DICM:
            self._add("file.to_convert", entity, entry.line, element,
                      f"{rel!r} is not DICOM: the repository will convert it to DICOM after the upload, if it is "
                      "a scanner file it reads (SVS, NDPI, MRXS, OME-TIFF, tiled TIFF); its scanner facts are "
                      "read then.", severity="warning")
            return None
        try:
            return read_header(handle, head)
        except DicomError as error:
            self._add("file.dicom", entity, entry.line, element,
                      f"{rel!r} has filetype=\"dcm\", but {error}. Send the image as DICOM (e.g. converted "
                      "with wsidicomizer), or correct the filetype.")
            return None

    def _encrypted(self, entity: Entity, entry: FileEntry, element: str, rel: str, path: Path
                   ) -> FileFacts | None:
        if element == "SAMPLE_IMAGE_FILE":
            self._add("file.encrypted", entity, entry.line, element,
                      f"{rel!r} is crypt4gh-encrypted; sample images are public, so send them unencrypted.")
            return None
        if not entry.unencrypted_checksum:
            self._add("file.unencrypted_checksum", entity, entry.line, element,
                      f"{rel!r} is crypt4gh-encrypted, so its FILE needs unencrypted_checksum=\"...\", the SHA256 "
                      "of the plaintext (checksum is that of the encrypted file); add it.")
            return None
        if self.encrypted_as_sent:
            # The sender's side (bulk uploader): only the repository can decrypt; it checks the
            # plaintext (key, unencrypted_checksum, DICOM header) when the file arrives.
            self.encrypted[rel] = entry.checksum
            return None
        reader = Crypt4GHReader(path, self.secret_key)
        try:
            if entry.filetype != "dcm":
                reader.read(1)  # decrypts the header: proves the key fits
                facts = None
            else:
                stream = Rewindable(reader)
                head = stream.read(PREAMBLE + 4)
                stream.seek(0)
                facts = self._dicom(entity, entry, element, rel, stream, head)
        except EncryptionError as error:
            self._add("file.encrypted", entity, entry.line, element, f"{rel!r}: {error}")
            return None
        finally:
            reader.close()
        self.encrypted[rel] = entry.checksum
        return facts

    def _sample_image(self, entity: Entity, entry: FileEntry, rel: str, path: Path) -> None:
        def refuse(rule: str, why: str) -> None:
            self._add(rule, entity, entry.line, "SAMPLE_IMAGE_FILE", f"{rel!r} {why}")

        expected = SAMPLE_IMAGE_FORMATS.get(entry.filetype)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(path, formats=list(SAMPLE_IMAGE_FORMATS.values())) as image:
                    found, (width, height) = image.format, image.size
                    if max(width, height) > SAMPLE_IMAGE_MAX_PIXELS:
                        refuse("sample_image.size", f"is {width}x{height} pixels; sample images may be at most "
                                                    f"{SAMPLE_IMAGE_MAX_PIXELS}x{SAMPLE_IMAGE_MAX_PIXELS}. "
                                                    "Save a smaller preview.")
                        return
                    image.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            refuse("sample_image.size", "has too many pixels to open safely; save a smaller preview.")
            return
        except Exception as error:  # Pillow raises many types for broken files; all mean "not this image"
            refuse("sample_image.format", f"is not a JPEG or PNG image that can be opened ({type(error).__name__}); "
                                          "save it again as JPEG or PNG.")
            return
        if found != expected:
            refuse("sample_image.format", f"is a {found} image, but its filetype says {entry.filetype!r}; "
                                          f"correct the filetype or save it as {expected}.")
            return
        self.sample_sizes[rel] = (width, height)

    def fill(self, entity: Entity, line: int) -> list[FileEntry]:
        """The FILE entries of an IMAGE that lists none (`structure.FILES_TO_FILL`, submissions only): the
        files in its folder `image_folder(alias)`, each with its SHA256; the portal converts them and lists
        the DICOM it makes. Reports the warning image.files_to_fill, or the error when the folder has none."""
        folder = image_folder(entity.alias)
        safe = not any(c in entity.alias for c in "/\\\0")  # a path in an alias leads elsewhere
        found = [rel for rel in _files_under(self.root, folder) if rel not in self.listed] if safe else []
        if not found:
            self._add(FILES_TO_FILL, entity, line, "FILES",
                      f"IMAGE {entity.alias!r} lists no FILE, and its folder {folder} holds no files; put the "
                      f"scanner's files (or the DICOM) in {folder}, or list them in <FILES>.")
            return []
        shown = ", ".join(PurePosixPath(rel).name for rel in found[:5]) + (", ..." if len(found) > 5 else "")
        self._add(FILES_TO_FILL, entity, line, "FILES",
                  f"IMAGE {entity.alias!r} lists no FILE; the portal converts the files in {folder} ({shown}) "
                  "and lists the DICOM it makes.", severity="warning")
        return [FileEntry(filename=rel, checksum_method="SHA256", checksum=read_head_and_hash(self.root / rel)[1]
                          or "", filetype="dcm", line=line) for rel in found]

    def check_unlisted(self) -> None:
        """Every file on disk must be listed (or be one of the layout's XML files)."""
        self._unlisted_in(str(self.root), "")

    def _unlisted_in(self, folder: str, prefix: str) -> None:
        # As os.walk(followlinks=False) would visit it, keeping each DirEntry: its cached type
        # saves an lstat per file (65k image folders).
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except OSError:
            return  # os.walk skips a folder it cannot list too
        for entry in sorted(entries, key=lambda e: e.name):
            rel = prefix + entry.name
            is_link = entry.is_symlink()
            if is_link and not self._real.inside(os.path.realpath(entry.path)):
                if rel not in self._escaped:
                    self._add("file.path_escape", None, 0, "FILE", f"{rel!r} is a symbolic link to "
                              f"outside the bundle; replace it with the real file or remove it.", file=rel)
                continue
            if rel in self.listed or _is_dir(entry) or is_layout_file(rel):  # _is_dir: a folder or a link to one
                continue
            hidden = entry.name.startswith(".")
            self._add("file.unlisted", None, 0, "FILE",
                      f"{rel!r} is in the bundle but no FILE element lists it; list it in the metadata "
                      "or remove it.", file=rel, severity="warning" if hidden else "error")
        for entry in entries:
            if not entry.is_symlink() and _is_dir(entry):
                self._unlisted_in(entry.path, f"{prefix}{entry.name}/")


def image_folder(alias: str) -> str:
    """Where an IMAGE's files go in the Bigpicture layout."""
    return f"IMAGES/IMAGE_{alias}/"


def _files_under(root: Path, folder: str) -> list[str]:
    """The bundle paths of the files in `folder` and its subfolders (an MRXS has one), hidden ones left out;
    symbolic links are included, for `FileChecker.check` to judge."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root / folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        base = Path(dirpath).relative_to(root).as_posix()
        found += [f"{base}/{name}" for name in filenames if not name.startswith(".")]
    return sorted(found)


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False
