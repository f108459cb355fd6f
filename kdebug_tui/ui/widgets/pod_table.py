"""The live pod table: rows keyed by uid, reconciled cell by cell, never rebuilt per event.

The table does not know about the cluster: the screen hands it `PodRow`s (from
`kube.render.pod_row`) for the uids that changed and the uids that went away. Within one
`batch_update()` it updates only cells whose text differs, appends new rows, removes gone
ones, re-sorts only when the sort column changed or rows were added, and keeps the cursor on
the same pod (by uid) whatever moved around it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from kdebug_tui.ui.widgets.safe_text import clean

# status_class (from kube.render) -> style; anything unknown stays unstyled.
STATUS_STYLES: dict[str, str] = {
    "ok": "green",
    "running": "green",
    "ready": "green",
    "done": "dim",
    "completed": "dim",
    "succeeded": "dim",
    "pending": "yellow",
    "waiting": "yellow",
    "warning": "yellow",
    "progress": "yellow",
    "error": "bold red",
    "failed": "bold red",
    "bad": "bold red",
    "terminating": "magenta",
    "unknown": "dim italic",
}
SORT_ORDER = ("name", "status", "restarts", "age")
# A bulk change removing more rows than this rebuilds in one go: DataTable.remove_row is O(n).
REBUILD_THRESHOLD = 64


def _restarts_value(text: str) -> int:
    head = text.split(" ", 1)[0]
    return int(head) if head.isdigit() else 0


class PodTable(DataTable[Text]):
    """kubectl-like columns: [NAMESPACE] NAME READY STATUS RESTARTS AGE NODE."""

    DEFAULT_CSS = """
    PodTable { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.show_namespace = False
        self.sort_by = "name"
        self._cells: dict[str, tuple[str, ...]] = {}  # uid -> plain texts shown, column order
        self._sort_values: dict[str, Any] = {}
        self._name_cells: dict[int, str] = {}  # id(name Text) -> uid, to sort by our own values
        self._columns: tuple[str, ...] = ()
        self._rows: dict[str, tuple[Any, float]] = {}  # uid -> (PodRow, created) shown
        self._set_columns(False)

    # ---- columns ------------------------------------------------------------------------

    def _set_columns(self, show_namespace: bool) -> None:
        self.show_namespace = show_namespace
        cols: tuple[str, ...] = ("name", "ready", "status", "restarts", "age", "node")
        if show_namespace:
            cols = ("namespace", *cols)
        self._columns = cols
        self.clear(columns=True)
        self._cells.clear()
        self._rows.clear()
        self._sort_values.clear()
        self._name_cells.clear()
        for col in cols:
            self.add_column(col.upper(), key=col)

    def reset(self, *, show_namespace: bool) -> None:
        """Forget every row (a new store: context or namespace switched)."""
        self._set_columns(show_namespace)

    # ---- reconcile ----------------------------------------------------------------------

    @property
    def selected_uid(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:
            return None
        return key.value

    def uids(self) -> list[str]:
        """Row keys in display order."""
        return [row.key.value or "" for row in self.ordered_rows]

    def _texts(self, row: Any) -> tuple[str, ...]:
        values = {
            "namespace": row.namespace,
            "name": row.name,
            "ready": row.ready,
            "status": row.status,
            "restarts": row.restarts,
            "age": row.age,
            "node": row.node or "<none>",
        }
        return tuple(clean(values[c], 120) for c in self._columns)

    def _cell(self, column: str, text: str, status_class: str) -> Text:
        style = STATUS_STYLES.get(status_class, "") if column == "status" else ""
        return Text(text, style=style, no_wrap=True, overflow="ellipsis")

    def _sort_value(self, row: Any, created: float) -> Any:
        return {
            "name": (row.namespace, row.name),
            "status": (row.status, row.namespace, row.name),
            "restarts": (-_restarts_value(str(row.restarts)), row.namespace, row.name),
            "age": (-created, row.namespace, row.name),
        }

    def apply(
        self,
        rows: Iterable[tuple[Any, float]],
        removed: Iterable[str] = (),
        *,
        rebuild: bool = False,
    ) -> None:
        """Upsert `(PodRow, created_epoch)` pairs and drop `removed` uids; keep the cursor."""
        selected = self.selected_uid
        removed = [uid for uid in removed if uid in self._cells]
        rows = list(rows)
        if rebuild or len(removed) > REBUILD_THRESHOLD:
            self._rebuild(rows, removed, selected)
            return
        resort = False
        with self.app.batch_update():
            for uid in removed:
                self._drop(uid)
            for row, created in rows:
                resort |= self._upsert(row, created)
            if resort:
                self._sort()
            self._restore_cursor(selected)

    def _upsert(self, row: Any, created: float) -> bool:
        """Returns True if the order may have changed."""
        uid = row.uid
        texts = self._texts(row)
        old = self._cells.get(uid)
        sort_values = self._sort_value(row, created)
        old_sort = self._sort_values.get(uid)
        self._sort_values[uid] = sort_values
        self._rows[uid] = (row, created)
        if old is None:
            cells = [
                self._cell(c, t, row.status_class)
                for c, t in zip(self._columns, texts, strict=True)
            ]
            self.add_row(*cells, key=uid)
            self._name_cells[id(cells[self._columns.index("name")])] = uid
            self._cells[uid] = texts
            return True
        if old == texts:
            return False
        for i, column in enumerate(self._columns):
            if old[i] != texts[i]:
                self.update_cell(
                    uid, column, self._cell(column, texts[i], row.status_class), update_width=True
                )
        self._cells[uid] = texts
        return old_sort is None or old_sort[self.sort_by] != sort_values[self.sort_by]

    def _drop(self, uid: str) -> None:
        self._cells.pop(uid, None)
        self._rows.pop(uid, None)
        self._sort_values.pop(uid, None)
        with contextlib.suppress(RowDoesNotExist):
            self.remove_row(uid)

    def _rebuild(
        self, rows: list[tuple[Any, float]], removed: list[str], selected: str | None
    ) -> None:
        """Bulk path (big re-list): one clear and re-add from what we hold, cursor kept."""
        current = {uid: pair for uid, pair in self._rows.items() if uid not in set(removed)}
        current.update({row.uid: (row, created) for row, created in rows})
        self.replace(current.values(), selected=selected)

    def replace(self, rows: Iterable[tuple[Any, float]], *, selected: str | None = None) -> None:
        """Show exactly `rows` (filter change, full resync), keeping the cursor's pod."""
        if selected is None:
            selected = self.selected_uid
        with self.app.batch_update():
            self.clear()
            self._cells.clear()
            self._rows.clear()
            self._name_cells.clear()
            self._sort_values.clear()
            for row, created in rows:
                self._upsert(row, created)
            self._sort()
            self._restore_cursor(selected)

    def set_sort(self, sort_by: str) -> None:
        self.sort_by = sort_by
        selected = self.selected_uid
        with self.app.batch_update():
            self._sort()
            self._restore_cursor(selected)

    def _sort(self) -> None:
        values = self._sort_values
        name_cells = self._name_cells
        sort_by = self.sort_by

        def key(cell: Text) -> Any:
            return values[name_cells[id(cell)]][sort_by]

        self.sort("name", key=key)

    def _restore_cursor(self, uid: str | None) -> None:
        if uid is None or uid not in self._cells:
            return
        index = self.get_row_index(uid)
        if index != self.cursor_row:
            self.move_cursor(row=index, animate=False)

    def select_uid(self, uid: str) -> bool:
        if uid not in self._cells:
            return False
        self.move_cursor(row=self.get_row_index(uid), animate=False)
        return True

    def row_of(self, uid: str | None) -> Any:
        """The PodRow shown for `uid`, or None."""
        pair = self._rows.get(uid or "")
        return pair[0] if pair else None

    def __len__(self) -> int:
        return len(self._cells)
