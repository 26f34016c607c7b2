"""How a public view finds its dataset version: 404 when the public may not see it, 410 when withdrawn.

Every public view of one version goes through here, and here through
`repository.selectors.visibility.visible_version`, so they all follow one rule.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseGone
from django.urls import reverse

from repository.selectors.visibility import VisibleVersion, visible_version


def visible_or_404(accession: str, number: int | None) -> VisibleVersion:
    visible = visible_version(accession=accession, number=number)
    if visible is None:
        raise Http404("No published dataset has this accession.")
    return visible


def withdrawn_response(visible: VisibleVersion) -> HttpResponse:
    """410 for whatever a withdrawn dataset offered besides its tombstone landing page."""
    dataset = visible.dataset
    page = reverse("repository:landing_page", args=[dataset.accession])
    return HttpResponseGone(f"{dataset.accession} was withdrawn: {dataset.status_reason}\n"
                            f"Its landing page {page} says how to cite it.\n",
                            content_type="text/plain; charset=utf-8")


def public_version(view: Callable) -> Callable:
    """Resolve the `accession` and `number` URL parts into the version the view serves, or 404/410."""

    @wraps(view)
    def wrapper(request: HttpRequest, accession: str, *args, number: int | None = None, **kwargs):
        visible = visible_or_404(accession, number)
        if visible.withdrawn:
            return withdrawn_response(visible)
        return view(request, visible.version, *args, **kwargs)

    return wrapper
