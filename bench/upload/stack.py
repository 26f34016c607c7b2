"""One storage backend's running stack: moto (S3 only), a Celery worker, the portal and the bare PUT app.

    with Stack("s3", workdir, database_url) as stack:
        stack.portal_url, stack.baseline_url(name), stack.peaks()

Each backend gets fresh servers, so each one's peak RSS is its own.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from pathlib import Path
from types import TracebackType

from bench.upload import servers
from bench.upload.clients import put

MEDIA = "media"


class Stack:
    def __init__(self, backend: str, workdir: Path, database_url: str):
        self.backend = backend
        self.workdir = workdir / backend
        self.database_url = database_url
        self.processes: list[servers.EnvProcess] = []
        self.s3 = None
        self.bucket = ""

    def env(self) -> dict[str, str]:
        env = {**os.environ, "DATABASE_URL": self.database_url, "DEBUG": "0", "STORAGE_BACKEND": self.backend,
               "MEDIA_ROOT": str(self.workdir / MEDIA), "LOG_LEVEL": "WARNING",
               "BARE_PUT_DIR": str(self.workdir / "bare")}
        if self.backend == "s3":
            env.update(servers.S3_KEYS, AWS_S3_ENDPOINT_URL=self.s3_url, AWS_STORAGE_BUCKET_NAME=self.bucket)
        return env

    def _start(self, process: servers.EnvProcess) -> servers.EnvProcess:
        self.processes.append(process.start())
        return process

    def __enter__(self) -> Stack:
        shutil.rmtree(self.workdir, ignore_errors=True)
        (self.workdir / "bare").mkdir(parents=True)
        logs = self.workdir / "logs"
        try:
            if self.backend == "s3":
                self._start_s3(logs)
            env = self.env()
            self.worker = self._start(servers.worker(logs / "worker.log", env))
            port = servers.free_port()
            self.portal = self._start(servers.gunicorn("bigpicture.wsgi:application", port, logs / "portal.log", env))
            self.portal_url = f"http://127.0.0.1:{port}"
            servers.wait_http(f"{self.portal_url}/api/v1/me/", self.portal)
            if self.backend == "local":
                port = servers.free_port()
                self.bare = self._start(servers.gunicorn("bench.upload.bare_put:application", port,
                                                         logs / "bare.log", env))
                self.bare_url = f"http://127.0.0.1:{port}/upload"
                servers.wait_http(self.bare_url, self.bare)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_s3(self, logs: Path) -> None:
        import boto3

        port = servers.free_port()
        self.moto = self._start(servers.moto_server(port, logs / "moto.log"))
        self.s3_url = f"http://127.0.0.1:{port}"
        servers.wait_http(self.s3_url, self.moto)
        self.s3 = boto3.client("s3", endpoint_url=self.s3_url, aws_access_key_id="bench",
                               aws_secret_access_key="bench", region_name="us-east-1")
        self.bucket = f"bench-upload-{uuid.uuid4().hex[:8]}"
        self.s3.create_bucket(Bucket=self.bucket)

    def baseline_url(self) -> str:
        """Where the plain PUT goes: the bare app, or a presigned put_object URL on the same moto server."""
        if self.backend == "local":
            return self.bare_url
        return self.s3.generate_presigned_url("put_object", Params={"Bucket": self.bucket, "Key": "baseline.bin"},
                                              ExpiresIn=3600)

    def multipart_put(self, path: Path, part_size: int) -> float:
        """A second S3 reference: the same parts PUT one by one to presigned UploadPart URLs, then completed."""
        size = path.stat().st_size
        started = time.perf_counter()
        upload = self.s3.create_multipart_upload(Bucket=self.bucket, Key="multipart.bin")["UploadId"]
        parts = []
        for number, offset in enumerate(range(0, size, part_size), start=1):
            url = self.s3.generate_presigned_url("upload_part", ExpiresIn=3600, Params={
                "Bucket": self.bucket, "Key": "multipart.bin", "UploadId": upload, "PartNumber": number})
            put(url, path, offset, min(part_size, size - offset))
            parts.append(number)
        listed = self.s3.list_parts(Bucket=self.bucket, Key="multipart.bin", UploadId=upload)["Parts"]
        self.s3.complete_multipart_upload(Bucket=self.bucket, Key="multipart.bin", UploadId=upload, MultipartUpload={
            "Parts": [{"PartNumber": part["PartNumber"], "ETag": part["ETag"]} for part in listed]})
        seconds = time.perf_counter() - started
        self.s3.delete_object(Bucket=self.bucket, Key="multipart.bin")
        return seconds

    def baseline_clear(self) -> None:
        if self.s3 is not None:
            self.s3.delete_object(Bucket=self.bucket, Key="baseline.bin")

    def peaks(self) -> dict[str, dict[str, float]]:
        """Peak RSS (VmHWM, MiB) of each server's processes, read while they still run."""
        found = {"portal": servers.peak_rss_mib(self.portal), "worker": servers.peak_rss_mib(self.worker)}
        if self.backend == "s3":
            found["moto"] = servers.peak_rss_mib(self.moto)
        return found

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.processes.clear()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
        shutil.rmtree(self.workdir / MEDIA, ignore_errors=True)
