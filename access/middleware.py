"""RecentUserMiddleware: pixel reads take `request.user` from `access.selectors.principals.recent_user`."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user
from django.utils.functional import SimpleLazyObject

from access.selectors.principals import recent_user


def pixel_read(view):
    """Marks a view as a pixel read: for GET and HEAD, `request.user` may come from `recent_user`."""
    view.pixel_read = True
    return view


class RecentUserMiddleware:
    """After AuthenticationMiddleware: on pixel reads, `request.user` for a session cookie is looked up
    in `recent_user` before the session and the user are loaded from the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if not getattr(view, "pixel_read", False) or request.method not in ("GET", "HEAD"):
            return None
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
        request.user = SimpleLazyObject(lambda: recent_user("session", session_key, lambda: get_user(request)))
        return None
