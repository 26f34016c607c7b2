"""Download audit rows: one per file download and per manifest, written before any byte leaves."""

from __future__ import annotations

from access.models import UserPublicKey
from access.selectors.downloads import DownloadFile
from governance.services import audit_record
from repository.models import DatasetVersion


def file_download_record(*, user, file: DownloadFile, mode: str, key: UserPublicKey | None, delivery: str,
                         ip_address: str | None) -> None:
    """`delivery`: "stream" (through the portal) or "presigned" (a redirect to S3)."""
    version = file.version
    audit_record(actor=user, action="access.download.file", target=file.row, ip_address=ip_address, detail={
        "file": file.row.accession, "filename": file.row.filename, "owner": file.owner_accession,
        "dataset": version.dataset.accession, "version": version.number, "mode": mode,
        "key_fingerprint": key.fingerprint if key else "", "delivery": delivery, "bytes": file.delivered_size(mode)})


def manifest_record(*, user, version: DatasetVersion, mode: str, fmt: str, files: int,
                    ip_address: str | None) -> None:
    audit_record(actor=user, action="access.download.manifest", target=version, ip_address=ip_address, detail={
        "dataset": version.dataset.accession, "version": version.number, "mode": mode, "format": fmt,
        "files": files})
