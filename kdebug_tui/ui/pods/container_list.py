"""The selected pod's containers: init, regular and ephemeral, with their states.

Fed `ContainerRow`s (kube.render.container_rows); keyed by "kind/name" so its own cursor
stays on the same container while the watch updates the pod.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from kdebug_tui.ui.common.safe_text import clean, marked

COLUMNS = ("kind", "name", "image", "state", "reason", "exit", "restarts", "target", "tty")
STATE_STYLES = {"Running": "green", "Waiting": "yellow", "Pending": "yellow", "Terminated": "dim"}
KIND_LABEL = {"init": "init", "regular": "", "ephemeral": "ephemeral"}


class ContainerList(DataTable[Text]):
    DEFAULT_CSS = """
    ContainerList { height: auto; max-height: 12; }
    """
    BINDINGS = [  # as in the pods table above it
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row")
        for col in COLUMNS:
            self.add_column(col.upper() if col != "tty" else "I/O", key=col)
        self._rows: dict[str, Any] = {}
        self._texts: dict[str, tuple[str, ...]] = {}
        self.pod_uid: str | None = None

    @staticmethod
    def key_of(row: Any) -> str:
        return f"{row.kind}/{row.name}"

    @property
    def selected(self) -> Any:
        """The ContainerRow under the cursor, or None."""
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:
            return None
        return self._rows.get(key or "")

    def container_rows(self) -> list[Any]:
        return [self._rows[row.key.value or ""] for row in self.ordered_rows]

    def _texts_of(self, row: Any) -> tuple[str, ...]:
        io = ("stdin" if row.stdin else "") + ("+tty" if row.tty else "")
        values = {
            "kind": KIND_LABEL.get(row.kind, row.kind),
            "name": row.name,
            "image": row.image,
            "state": row.state,
            "reason": row.reason,
            "exit": "" if row.exit_code is None else str(row.exit_code),
            "restarts": str(row.restarts),
            "target": row.target,
            "tty": io.lstrip("+"),
        }
        return tuple(clean(values[c], 60) for c in COLUMNS)

    def show(self, pod_uid: str | None, rows: Sequence[Any]) -> None:
        """Show `rows` for pod `pod_uid`; same pod: update in place, keep the cursor."""
        if pod_uid != self.pod_uid:
            self.clear()
            self._rows.clear()
            self._texts.clear()
            self.pod_uid = pod_uid
        selected = self.selected
        selected_key = self.key_of(selected) if selected is not None else None
        wanted = {self.key_of(r): r for r in rows}
        order_changed = list(wanted) != [k for k in self._texts if k in wanted]
        if order_changed or set(wanted) != set(self._texts):
            self.clear()
            self._texts.clear()
        self._rows = wanted
        for key, row in wanted.items():
            texts = self._texts_of(row)
            old = self._texts.get(key)
            if old is None:
                self.add_row(
                    *(self._cell(c, t, row) for c, t in zip(COLUMNS, texts, strict=True)), key=key
                )
            elif old != texts:
                for i, column in enumerate(COLUMNS):
                    if old[i] != texts[i]:
                        self.update_cell(
                            key, column, self._cell(column, texts[i], row), update_width=True
                        )
            self._texts[key] = texts
        if selected_key in wanted:
            index = self.get_row_index(selected_key)
            if index != self.cursor_row:
                self.move_cursor(row=index, animate=False)

    def _cell(self, column: str, text: str, row: Any) -> Text:
        style = ""
        if column == "state":
            style = STATE_STYLES.get(row.state, "")
        elif column == "kind" and row.kind == "ephemeral":
            style = "cyan"
        elif column == "exit" and row.exit_code not in (None, 0):
            style = "red"
        elif column == "reason" and row.reason and row.state != "Running":
            style = "yellow" if row.state == "Waiting" else ""
        return marked(text, style, no_wrap=True, overflow="ellipsis")
