"""Uploads into an S3 inbox: S3 multipart uploads, with presigned `UploadPart` URLs for the client.

The bytes go from the client straight to S3. The multipart upload is created at
registration; S3's ListParts says which parts it holds (that is how a client resumes);
completing asks S3 to assemble them; an expired, replaced or removed file's upload is
aborted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from botocore.exceptions import ClientError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from ingestion.uploads.types import INBOX_FOLDER, PART_URL_SECONDS, PartsLost, PartUrl, ReceivedPart, Upload


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


class S3Uploads:
    def __init__(self, storage: S3Storage):
        self.storage = storage
        self.client = storage.connection.meta.client
        self.bucket = storage.bucket_name

    def _key(self, upload: Upload) -> str:
        return self.storage._normalize_name(clean_name(upload.storage_name))

    def start(self, upload: Upload) -> str:
        key = self._key(upload)
        answer = self.client.create_multipart_upload(Bucket=self.bucket, Key=key,
                                                     **self.storage._get_write_parameters(key))
        return answer["UploadId"]

    def part_urls(self, upload: Upload, numbers: list[int], *, absolute_url: Callable[[str], str]) -> list[PartUrl]:
        key = self._key(upload)
        return [PartUrl(number, self.client.generate_presigned_url(
            "upload_part", ExpiresIn=PART_URL_SECONDS,
            Params={"Bucket": self.bucket, "Key": key, "UploadId": upload.upload_id, "PartNumber": number}))
            for number in numbers]

    def received(self, upload: Upload) -> list[ReceivedPart]:
        if not upload.upload_id:
            return []
        pages = self.client.get_paginator("list_parts").paginate(Bucket=self.bucket, Key=self._key(upload),
                                                                 UploadId=upload.upload_id)
        try:
            return [ReceivedPart(part["PartNumber"], part["Size"], part["ETag"].strip('"'))
                    for page in pages for part in page.get("Parts", ())]
        except ClientError as error:
            if _code(error) == "NoSuchUpload":
                return []  # completed or aborted
            raise

    def complete(self, upload: Upload, parts: list[ReceivedPart]) -> None:
        try:
            self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=self._key(upload), UploadId=upload.upload_id,
                MultipartUpload={"Parts": [{"PartNumber": part.number, "ETag": f'"{part.etag}"'}
                                           for part in parts]})
        except ClientError as error:
            if _code(error) != "NoSuchUpload":
                raise
            if self._size(upload) != upload.size:
                raise PartsLost(upload.storage_name) from error
            # completed before (the transaction that recorded it rolled back)

    def _size(self, upload: Upload) -> int | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(upload))["ContentLength"]
        except ClientError as error:
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                return None
            raise

    def discard(self, upload: Upload) -> None:
        if upload.upload_id:
            try:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=self._key(upload),
                                                   UploadId=upload.upload_id)
            except ClientError as error:
                if _code(error) != "NoSuchUpload":
                    raise
        self.client.delete_object(Bucket=self.bucket, Key=self._key(upload))

    def leftovers_delete(self, *, before: datetime, claimed: set[str]) -> int:
        prefix = self.storage._normalize_name(INBOX_FOLDER) + "/"
        strip = len(prefix) - len(INBOX_FOLDER) - 1
        aborted = 0
        for page in self.client.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket, Prefix=prefix):
            for upload in page.get("Uploads", ()):
                if upload["Key"][strip:] not in claimed and upload["Initiated"] <= before:
                    self.client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"],
                                                       UploadId=upload["UploadId"])
                    aborted += 1
        return aborted

    def head(self, upload: Upload, length: int) -> bytes:
        if upload.size == 0:
            return b""  # S3 refuses a range of an empty object
        body = self.client.get_object(Bucket=self.bucket, Key=self._key(upload), Range=f"bytes=0-{length - 1}")["Body"]
        with body:
            return body.read()
