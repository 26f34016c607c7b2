"""The uploader's failures, each with the exit code it ends the run with."""

from __future__ import annotations

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_USAGE = 0, 1, 2, 3


class UploadError(Exception):
    """A failure a person can act on; `str()` is the message to print."""

    exit_code = EXIT_FAILED


class UsageError(UploadError):
    exit_code = EXIT_USAGE


class AuthError(UsageError):
    def __str__(self) -> str:
        return f"the portal refused the token: {self.args[0]}. Create a personal API token on the portal " \
               "(your account page) and pass it with --token or $BIGPICTURE_TOKEN."


class ConnectionFailure(UsageError):
    pass


class ApiError(UploadError):
    def __init__(self, status: int, detail: str, code: str = "", extra: dict | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.code = status, detail, code
        self.extra = extra or {}  # the protocol's extra fields, e.g. `missing` for upload.incomplete

    def __str__(self) -> str:
        return f"{self.detail} (HTTP {self.status}{', ' + self.code if self.code else ''})"
