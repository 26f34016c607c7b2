"""The failure classes the portal raises on purpose (user, transient, permanent).

They live in `metaflex.errors`, so that the Django-free validator and the bulk uploader
raise the same ones; this module is where the portal imports them from.
"""

from metaflex.errors import PermanentError, PortalError, TransientError, UserError

__all__ = ["PermanentError", "PortalError", "TransientError", "UserError"]
