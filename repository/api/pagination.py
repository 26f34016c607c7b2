"""Cursor pagination for every API list.

The ordering is the one the selector gave the queryset, so it is decided in
one place. Its first field must be unique within the list (an accession, a
version number) or nearly so (a publication time); ties fall back on DRF's
cursor offsets.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class SelectorOrderedCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    template = None

    def get_ordering(self, request, queryset: QuerySet, view) -> tuple[str, ...]:
        ordering = tuple(queryset.query.order_by)
        assert ordering, f"{type(view).__name__}: the selector must order the queryset for cursor pagination"
        return ordering


class CataloguePagination(SelectorOrderedCursorPagination):
    page_size = 25
    max_page_size = 100


class SampleRow(NamedTuple):
    kind: str
    sample: Any


class SampleCursorPagination(SelectorOrderedCursorPagination):
    """One cursor over several querysets read one after another, each ordered by accession.

    The position is `<kind>:<accession>`, unique across the whole list, so no
    cursor offsets are needed. A page touches at most one query per kind.
    """

    def paginate_queryset(self, queryset: list[tuple[str, QuerySet]], request, view=None) -> list[SampleRow]:
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = ("kind", "accession")
        self.kinds = [kind for kind, _ in queryset]

        self.cursor = self.decode_cursor(request)
        reverse = bool(self.cursor and self.cursor.reverse)
        current_position = self.cursor.position if self.cursor else None
        start_kind, start_accession = self._parse_position(current_position)

        ordered = list(reversed(queryset)) if reverse else list(queryset)
        if start_kind is not None:
            ordered = ordered[[kind for kind, _ in ordered].index(start_kind):]
        results: list[SampleRow] = []
        for kind, kind_queryset in ordered:
            kind_queryset = kind_queryset.order_by("-accession" if reverse else "accession")
            if kind == start_kind:
                lookup = "accession__lt" if reverse else "accession__gt"
                kind_queryset = kind_queryset.filter(**{lookup: start_accession})
            wanted = self.page_size + 1 - len(results)
            results.extend(SampleRow(kind, sample) for sample in kind_queryset[:wanted])
            if len(results) > self.page_size:
                break

        self.page = results[:self.page_size]
        following_position = (self._get_position_from_instance(results[-1], self.ordering)
                              if len(results) > len(self.page) else None)
        if reverse:
            self.page.reverse()
            self.has_next, self.next_position = current_position is not None, current_position
            self.has_previous, self.previous_position = following_position is not None, following_position
        else:
            self.has_next, self.next_position = following_position is not None, following_position
            self.has_previous, self.previous_position = current_position is not None, current_position
        return self.page

    def _parse_position(self, position: str | None) -> tuple[str | None, str | None]:
        if position is None:
            return None, None
        kind, _, accession = position.partition(":")
        if kind not in self.kinds or not accession:
            raise NotFound(self.invalid_cursor_message)
        return kind, accession

    def _get_position_from_instance(self, instance: SampleRow, ordering) -> str:
        return f"{instance.kind}:{instance.sample.accession}"
