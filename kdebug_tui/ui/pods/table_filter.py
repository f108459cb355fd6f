"""Which of the pod table's rows are shown: a text or regex filter over every row's
precomputed search text, without re-rendering or re-sorting (see table.py's docstring).

A mixin of PodTable, which keeps every row in display order (`_all`, `_all_keys`), the
search texts (`_hay`) and the rows shown (`_order`, `_order_keys`, `_matching`).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from textual.scroll_view import ScrollView

if TYPE_CHECKING:
    _Base = ScrollView
else:
    _Base = object


class TableFilterMixin(_Base):
    """set_filter over the host's rows."""

    _filter: Any
    _matching: set[str] | None
    _rows: dict[str, tuple[Any, float]]
    _hay: dict[str, str]
    _hays: list[str]
    _shown_hays: list[str]
    _joined: str | None
    _sort_keys: dict[str, Any]
    _order: list[str]
    _order_keys: list[Any]
    _all: list[str]
    _all_keys: list[Any]
    _index: dict[str, int] | None

    if TYPE_CHECKING:

        @property
        def selected_uid(self) -> str | None: ...

        def _after_change(self, selected: str | None) -> None: ...

    def _shown(self, uid: str) -> bool:
        if self._filter is None:
            return True
        return bool(self._filter(self._rows[uid][0], self._hay[uid]))

    def set_filter(self, matches: Any, *, narrowing: bool = False) -> None:
        """Show the rows for which `matches(row, search_text)` holds (None: all rows).

        `narrowing`: every row the new filter matches also matched the current one, so
        only the current matches are tested."""
        selected = self.selected_uid
        self._filter = matches
        if matches is None:
            self._shown_hays = []
            self._matching = None
            self._order = list(self._all)
            self._order_keys = list(self._all_keys)
        else:
            needle = getattr(matches, "needle", None) if not getattr(matches, "regex", 1) else None
            at: list[int] | None = None
            if needle and narrowing and self._matching is not None:
                # Narrowing plain text: only the rows shown now can match, in their order.
                # Their texts in that order are kept from the last filter while no row has
                # changed since (`_joined` still set); else they are looked up.
                shown = self._shown_hays
                current = self._joined is not None and len(shown) == len(self._order)
                if not current:
                    shown = [self._hay[u] for u in self._order]
                mask = [needle in text for text in shown]
                self._order = list(itertools.compress(self._order, mask))
                self._order_keys = list(itertools.compress(self._order_keys, mask))
                self._shown_hays = list(itertools.compress(shown, mask)) if current else []
            elif narrowing and self._matching is not None and len(self._matching) < 2000:
                # Narrowing: only the rows that matched before can match now.
                rows, hay, keys = self._rows, self._hay, self._sort_keys
                keep = {u for u in self._matching if matches(rows[u][0], hay[u])}
                self._shown_hays = []
                self._order = sorted(keep, key=keys.__getitem__)
                self._order_keys = [keys[u] for u in self._order]
            elif needle:
                mask = self._mask(needle)
                self._order = list(itertools.compress(self._all, mask))
                self._order_keys = list(itertools.compress(self._all_keys, mask))
                self._shown_hays = list(itertools.compress(self._hays, mask))
            else:
                rows, hay = self._rows, self._hay
                pool = self._matching if narrowing and self._matching is not None else self._all
                keep = {u for u in pool if matches(rows[u][0], hay[u])}
                at = [i for i, u in enumerate(self._all) if u in keep]
                self._shown_hays = []
            if at is not None:
                self._order = [self._all[i] for i in at]
                self._order_keys = [self._all_keys[i] for i in at]
            self._matching = set(self._order)
        self._index = None
        self.refresh()
        self._after_change(selected)

    def _mask(self, needle: str) -> list[bool]:
        """For each row in display order: does its search text contain `needle`?"""
        if self._joined is None:
            self._hays = [self._hay[u] for u in self._all]
            self._joined = ""  # marks `_hays` as current
        return [needle in text for text in self._hays]
