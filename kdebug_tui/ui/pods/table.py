"""The live pod table: rows keyed by uid, reconciled cell by cell, painted line by line.

Why not DataTable: with thousands of rows its per-update paths are O(rows) (an update that
narrows a cell re-measures the whole column; every update rebuilds the ordered row list),
so one watch event cost ~200 ms at 5,000 pods. This widget uses the Line API: it keeps
plain texts per uid, an ordered uid list (changed only when rows come, go or move in the
sort order), column widths that only grow between rebuilds, and renders only the visible
lines. Costs per watch event are O(changed rows), independent of the table size.

The table does not know about the cluster: the screen hands it `(PodRow, created_epoch)`
pairs (kube.render.pod_row) for changed uids and the uids that went away; the cursor stays
on the same pod (by uid) whatever moves around it.

Filtering: the table holds every pod, in sort order, with its search text precomputed
(lower-cased name, namespace, status, node); a filter only picks which of them are shown.
Narrowing a filter (the new text contains the old) tests only the pods shown before, in
their order; a new or wider text is one `needle in text` pass over every pod's text in
display order (itertools.compress): never a sort and never a re-render of a pod.

Here: the rows, their order and sort. The filter is `table_filter.py`; the cursor, its
keys' actions and painting are `table_view.py`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.scroll_view import ScrollView

from kdebug_tui.ui.common.safe_text import clean
from kdebug_tui.ui.pods.table_filter import TableFilterMixin
from kdebug_tui.ui.pods.table_view import TableViewMixin

SORT_ORDER = ("name", "status", "restarts", "age")
# Status sort: what needs a look first (CrashLoopBackOff, Error...), then degraded, starting,
# healthy, finished. Alphabetical put Completed before CrashLoopBackOff.
STATUS_RANK = {"error": 0, "warn": 1, "pending": 2, "ok": 3, "done": 4}


class _Reversed:
    """A sort key compared backwards: reversed order keeps bisect working on the keys."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.key < self.key)

    def __gt__(self, other: _Reversed) -> bool:
        return bool(other.key > self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


ALL_COLUMNS = ("namespace", "name", "ready", "status", "restarts", "age", "node")


def _cell(value: object) -> str:
    """clean(value, 120), without its regular expressions for plain printable ASCII (nearly
    every cell): such text has no control or invisible character to drop or reveal."""
    text = str(value)
    if len(text) <= 120 and text.isascii() and text.isprintable():
        return text
    return clean(text, 120)


def _hay(row: Any) -> str:
    """What a text filter searches: the fields joined by a newline (no filter text holds
    one, so a match never spans two fields)."""
    return f"{row.name}\n{row.namespace}\n{row.status}\n{row.node}".lower()


def _restarts_value(text: str) -> int:
    head = text.split(" ", 1)[0]
    return int(head) if head.isdigit() else 0


class PodTable(TableFilterMixin, TableViewMixin, ScrollView, can_focus=True):
    """kubectl-like columns: [NAMESPACE] NAME READY STATUS RESTARTS AGE NODE."""

    DEFAULT_CSS = """
    PodTable { height: 1fr; background: $surface; }
    PodTable > .pod-table--header { text-style: bold; background: $panel; }
    PodTable > .pod-table--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
        text-style: $block-cursor-blurred-text-style;
    }
    PodTable:focus > .pod-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"pod-table--header", "pod-table--cursor"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "Top", show=False),
        Binding("end,G", "jump(-1)", "Bottom", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another pod (uid, or None when the table is empty)."""

        table: PodTable
        uid: str | None

        @property
        def control(self) -> PodTable:
            return self.table

    @dataclass
    class Selected(Message):
        """enter on a pod."""

        table: PodTable
        uid: str

        @property
        def control(self) -> PodTable:
            return self.table

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.show_namespace = False
        self.sort_by = "name"
        self.sort_reverse = False
        self.cursor_row = 0
        self._columns: tuple[str, ...] = ()
        self._texts: dict[str, tuple[str, ...]] = {}
        self._status_of: dict[str, str] = {}
        self._rows: dict[str, tuple[Any, float]] = {}
        self._sort_keys: dict[str, Any] = {}
        self._order: list[str] = []  # shown (matching) uids in display order
        self._order_keys: list[Any] = []  # sort keys parallel to _order (for bisect)
        self._all: list[str] = []  # every uid in display order (filtered or not)
        self._all_keys: list[Any] = []
        self._hay: dict[str, str] = {}  # uid -> lower-cased search text
        # Every row's search text in display order (rebuilt after changes; `_joined` None
        # when stale): a plain-text filter is one pass of `in` over it, no call per row.
        self._joined: str | None = None
        self._hays: list[str] = []
        self._shown_hays: list[str] = []  # texts of the shown rows, in their order
        self._filter: Any = None  # matches(row, hay) -> bool; None: show all
        self._matching: set[str] | None = None  # uids the filter matched (None: all)
        self._index: dict[str, int] | None = {}
        self._widths: list[int] = []
        self._last_highlight: str | None = None
        self.empty_text = "connecting to the cluster…"  # shown while there are no rows
        self._set_columns(False)

    # ---- columns and reset ------------------------------------------------------------

    def _set_columns(self, show_namespace: bool) -> None:
        self.show_namespace = show_namespace
        self._columns = ALL_COLUMNS if show_namespace else ALL_COLUMNS[1:]
        self._texts.clear()
        self._status_of.clear()
        self._rows.clear()
        self._sort_keys.clear()
        self._order.clear()
        self._order_keys.clear()
        self._all.clear()
        self._all_keys.clear()
        self._hay.clear()
        self._joined = None
        if self._matching is not None:
            self._matching = set()
        self._index = {}
        self._widths = [len(c) for c in self._columns]
        self.cursor_row = 0
        self._resize()

    def reset(self, *, show_namespace: bool) -> None:
        """Forget every row (a new store: context or namespace switched)."""
        self._set_columns(show_namespace)
        self.refresh()

    # ---- queries ------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._order)

    @property
    def total_count(self) -> int:
        """Rows held, shown or filtered out."""
        return len(self._all)

    def __len__(self) -> int:
        return len(self._order)

    def uids(self) -> list[str]:
        """Row keys in display order."""
        return list(self._order)

    def row_of(self, uid: str | None) -> Any:
        """The PodRow shown for `uid`, or None."""
        pair = self._rows.get(uid or "")
        return pair[0] if pair else None

    @property
    def selected_uid(self) -> str | None:
        if not self._order:
            return None
        return self._order[min(self.cursor_row, len(self._order) - 1)]

    def _position(self, uid: str) -> int:
        """Where a shown uid is: a bisect on the sort keys (unique: they end with the uid),
        so a reconcile that moves rows never rebuilds an index of 150,000 rows per row."""
        key = self._sort_keys.get(uid)
        if key is not None:
            at = bisect.bisect_left(self._order_keys, key)
            if at < len(self._order) and self._order[at] == uid:
                return at
        if self._index is None:
            self._index = {u: i for i, u in enumerate(self._order)}
        return self._index[uid]

    # ---- reconcile ----------------------------------------------------------------------

    def _texts_of(self, row: Any) -> tuple[str, ...]:
        values = {
            "namespace": row.namespace,
            "name": row.name,
            "ready": row.ready,
            "status": row.status,
            "restarts": row.restarts,
            "age": row.age,
            "node": row.node or "<none>",
        }
        return tuple(_cell(values[c]) for c in self._columns)

    def _sort_key(self, uid: str) -> Any:
        key = self._plain_sort_key(uid)
        return _Reversed(key) if self.sort_reverse else key

    def _plain_sort_key(self, uid: str) -> Any:
        row, created = self._rows[uid]
        by = self.sort_by
        if by == "status":
            rank = STATUS_RANK.get(row.status_class, 5)
            return (rank, row.status, row.namespace, row.name, uid)
        if by == "restarts":
            return (-_restarts_value(str(row.restarts)), row.namespace, row.name, uid)
        if by == "age":
            return (-created, row.namespace, row.name, uid)
        return (row.namespace, row.name, uid)

    def apply(self, rows: Iterable[tuple[Any, float]], removed: Iterable[str] = ()) -> None:
        """Upsert `(PodRow, created_epoch)` pairs and drop `removed` uids; keep the cursor."""
        selected = self.selected_uid
        changed = False
        for uid in removed:
            if uid in self._texts:
                self._drop(uid)
                changed = True
        for row, created in rows:
            changed |= self._upsert(row, created)
        if changed:
            self.refresh()  # once for the batch, not per row
            self._after_change(selected)

    def replace(self, rows: Iterable[tuple[Any, float]], *, selected: str | None = None) -> None:
        """Show exactly `rows` (filter change, full resync), keeping the cursor's pod."""
        if selected is None:
            selected = self.selected_uid
        self._set_columns(self.show_namespace)
        for row, created in rows:
            uid = row.uid
            self._rows[uid] = (row, created)
            texts = self._texts_of(row)
            self._texts[uid] = texts
            self._hay[uid] = _hay(row)
            self._status_of[uid] = row.status_class
            self._grow(texts)
        self._resort()
        self._after_change(selected)

    def _upsert(self, row: Any, created: float) -> bool:
        uid = row.uid
        texts = self._texts_of(row)
        old = self._texts.get(uid)
        if old == texts and self._status_of.get(uid) == row.status_class:
            self._rows[uid] = (row, created)
            return False
        self._rows[uid] = (row, created)
        self._texts[uid] = texts
        self._hay[uid] = _hay(row)
        self._joined = None
        self._status_of[uid] = row.status_class
        key = self._sort_key(uid)
        was_shown = old is not None and (self._matching is None or uid in self._matching)
        shown = self._shown(uid)
        if self._matching is not None:
            if shown:
                self._matching.add(uid)
            else:
                self._matching.discard(uid)
        if shown:
            self._grow(texts)
        if old is None:
            self._insert_all(uid, key)
        elif self._sort_keys.get(uid) != key:
            if was_shown:  # first, while its old key still finds it
                self._remove_from_order(uid)
                was_shown = False
            self._remove_from_all(uid)
            self._insert_all(uid, key)
        if shown and not was_shown:
            self._insert(uid, key)
        elif was_shown and not shown:
            self._remove_from_order(uid)
        elif shown:
            self._refresh_uid(uid)
        return was_shown or shown

    def _insert_all(self, uid: str, key: Any) -> None:
        at = bisect.bisect_left(self._all_keys, key)
        self._all.insert(at, uid)
        self._all_keys.insert(at, key)
        self._sort_keys[uid] = key
        self._joined = None

    def _remove_from_all(self, uid: str) -> None:
        key = self._sort_keys[uid]
        at = bisect.bisect_left(self._all_keys, key)
        if at < len(self._all) and self._all[at] == uid:
            del self._all[at]
            del self._all_keys[at]
            self._joined = None

    def _insert(self, uid: str, key: Any) -> None:
        at = bisect.bisect_left(self._order_keys, key)
        self._order.insert(at, uid)
        self._order_keys.insert(at, key)
        self._sort_keys[uid] = key
        self._index = None
        self._joined = None

    def _remove_from_order(self, uid: str) -> None:
        at = self._position(uid)
        del self._order[at]
        del self._order_keys[at]
        self._index = None
        self._joined = None

    def _drop(self, uid: str) -> None:
        if self._matching is None or uid in self._matching:
            self._remove_from_order(uid)
        if self._matching is not None:
            self._matching.discard(uid)
        self._remove_from_all(uid)
        self._hay.pop(uid, None)
        self._texts.pop(uid, None)
        self._status_of.pop(uid, None)
        self._rows.pop(uid, None)
        self._sort_keys.pop(uid, None)

    def _grow(self, texts: tuple[str, ...]) -> None:
        """Columns widen to fit new text; they narrow only on a rebuild (replace/reset)."""
        widths = self._widths
        for i, text in enumerate(texts):
            width = cell_len(text)
            if width > widths[i]:
                widths[i] = width
                self._resize()

    def _resort(self) -> None:
        self._joined = None
        keys = {uid: self._sort_key(uid) for uid in self._texts}
        self._sort_keys = keys
        self._all = sorted(keys, key=keys.__getitem__)
        self._all_keys = [keys[u] for u in self._all]
        if self._filter is None:
            self._matching = None
            self._order = list(self._all)
            self._order_keys = list(self._all_keys)
        else:
            rows, hay, matches = self._rows, self._hay, self._filter
            self._matching = {u for u in self._all if matches(rows[u][0], hay[u])}
            self._order = [u for u in self._all if u in self._matching]
            self._order_keys = [keys[u] for u in self._order]
        self._index = None
        self.refresh()

    def set_sort(self, sort_by: str, *, reverse: bool | None = None) -> None:
        selected = self.selected_uid
        self.sort_by = sort_by
        if reverse is not None:
            self.sort_reverse = reverse
        self._resort()
        self._after_change(selected)

    def _after_change(self, selected: str | None) -> None:
        self._resize()
        shown = self._matching is None or selected in self._matching
        if selected is not None and selected in self._texts and shown:
            self._move_to(self._position(selected), announce=False)
        else:
            self._move_to(min(self.cursor_row, max(0, len(self._order) - 1)), announce=False)
        self._announce()

    def _refresh_uid(self, uid: str) -> None:
        virtual_y = self._position(uid) + 1  # line 0 is the header
        top = int(self.scroll_offset.y)
        if top < virtual_y <= top + self.size.height:
            self.refresh_line(virtual_y)

    def set_empty_text(self, text: str) -> None:
        if text != self.empty_text:
            self.empty_text = text
            if not self._order:
                self.refresh()

    def select_uid(self, uid: str) -> bool:
        if uid not in self._texts or (self._matching is not None and uid not in self._matching):
            return False
        self._move_to(self._position(uid))
        return True
