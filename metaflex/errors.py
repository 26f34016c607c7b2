"""One error type per failure class, shared by services and tasks."""


class PortalError(Exception):
    """Base for errors the portal raises on purpose."""


class UserError(PortalError):
    """The input is wrong; the person who sent it can fix it. Never retried."""


class TransientError(PortalError):
    """A service was briefly unavailable; the task retries with backoff."""


class PermanentError(PortalError):
    """The operation can never succeed as asked; an operator must look."""
