"""`t`: every ephemeral container in view — who debugged what, with which rights, still running?

Ephemeral containers cannot be removed from a pod, so they pile up during incidents. This
view lists them all (from the watch's store, no extra API calls): pod, name, target, image,
security (privileged? capabilities?), profile, state, exit code, age, and whether it is one
of ours from this session still running — a debugger left behind. `enter`/`a` re-attaches
to a running interactive one, `l` reads the log of a finished one.

The table and its refresh are here; what each key does to the selected debugger is in
`actions.py`; the pure row helpers in `rows.py`.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static

from kdebug_tui.ui.common.base import ForwardWorkerErrors
from kdebug_tui.ui.common.messages import PodsChanged
from kdebug_tui.ui.common.safe_text import clean, marked, plain
from kdebug_tui.ui.common.status_bar import ClusterHeader
from kdebug_tui.ui.triage.actions import TriageActions
from kdebug_tui.ui.triage.rows import (
    COLUMNS,
    STATE_STYLES,
    WIDTHS,
    count,
    row_key,
    state_message,
    target_state,
)


class TriageScreen(TriageActions, ForwardWorkerErrors, Screen[None]):
    app: Any  # KdebugApp: services, clock

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("q", "app.pop_screen", "Back", show=False),
        Binding("slash", "filter", "Filter", tooltip="Filter debug containers", id="triage.filter"),
        Binding("a", "attach", "Attach", id="triage.attach"),
        Binding("l", "logs", "Logs", id="triage.logs"),
        Binding("y", "yaml", "Pod YAML", id="triage.yaml"),
        Binding("D", "describe", "Describe pod", id="triage.describe"),
        Binding("o", "only_running", "Running only", id="triage.running"),
        Binding("d", "debug", "Debug pod", tooltip="Debug this pod again", id="triage.debug"),
        Binding("f", "files", "Files", tooltip="Browse the target's files", id="triage.files"),
        Binding(
            "S",
            "stop_debugger",
            "Stop debugger",
            tooltip="Stop a running stoppable debugger of ours",
            id="triage.stop",
        ),
    ]

    DEFAULT_CSS = """
    TriageScreen #triage-summary { height: 1; padding: 0 1; background: $boost; }
    TriageScreen #triage-table { height: 1fr; }
    TriageScreen #triage-detail {
        height: auto; max-height: 6; padding: 0 1; border-top: solid $panel;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._keep_on_screen: int | None = None  # selected row's line while a scroll waits
        self.rows: dict[str, Any] = {}
        self._texts: dict[str, tuple[str, ...]] = {}
        self.only_running = False
        self.filter_text = ""
        self._by_pod: dict[str, list[Any]] = {}  # pod uid -> its EphemeralRows
        self._cursor: int | None = None
        self._epoch: int | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield ClusterHeader(id="header")
        yield Static(id="triage-summary")
        yield Input(placeholder="filter: namespace, pod, name, image, state", id="triage-filter")
        yield DataTable(id="triage-table", cursor_type="row")
        yield Static(id="triage-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#triage-filter", Input).display = False
        table = self.table
        for col in COLUMNS:
            table.add_column(col.upper(), key=col)
        self.app.services.subscribe(self)
        self.set_interval(5.0, self._refresh_ages)
        self.refresh_rows()
        table.focus()

    def on_unmount(self) -> None:
        self.app.services.unsubscribe(self)

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#triage-table", DataTable)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        readonly = self.app.services.readonly
        return not (action in ("attach", "debug", "stop_debugger") and readonly)

    def on_pods_changed(self, _: PodsChanged) -> None:
        """Coalesced to the app's refresh rate: a burst of events is one refresh."""
        if self._timer is None:
            self._timer = self.set_timer(
                1.0 / max(self.app.settings.refresh_rate, 1.0), self._flush
            )

    def _flush(self) -> None:
        self._timer = None
        self.refresh_rows()

    def _collect(self) -> list[Any]:
        """Ephemeral rows of every pod, recomputing only the pods that changed."""
        from kdebug_tui.kube.render import ephemeral_rows

        services = self.app.services
        store = services.store
        if store is None:
            self._by_pod.clear()
            return []
        now = self.app.clock()
        changes = services.changes_since(self._cursor, self._epoch)
        self._cursor = changes.cursor
        if changes.full:
            self._epoch = services.epoch
            self._by_pod.clear()
            uids: Any = store.uids()
        else:
            uids = changes.uids
        for uid in uids:
            pod = store.get(uid)
            rows = ephemeral_rows([pod], now) if pod is not None else []
            if rows:
                self._by_pod[uid] = rows
            else:
                self._by_pod.pop(uid, None)
        return [row for rows in self._by_pod.values() for row in rows]

    def _refresh_ages(self) -> None:
        from kdebug_tui.kube.render import ephemeral_rows

        store = self.app.services.store
        if store is not None:
            now = self.app.clock()
            for uid in list(self._by_pod):
                pod = store.get(uid)
                if pod is None:
                    del self._by_pod[uid]
                else:
                    self._by_pod[uid] = ephemeral_rows([pod], now)
        self.refresh_rows()

    def _texts_of(self, row: Any) -> tuple[str, ...]:
        services = self.app.services
        ours = services.is_ours(row.namespace, row.pod, row.name)
        if ours and row.state == "Running":
            ours_text = "yes, running"
        elif ours:
            ours_text = "yes"
        elif row.managed:
            ours_text = "kdebug"
        else:
            ours_text = ""
        values = {
            "namespace": row.namespace,
            "pod": row.pod,
            "name": row.name,
            "target": row.target or "-",
            "image": row.image,
            "security": row.security or "-",
            "profile": row.profile,
            "state": row.state + (f" ({row.reason})" if row.reason else ""),
            "exit": "" if row.exit_code is None else str(row.exit_code),
            "age": row.age,
            "ours": ours_text,
        }
        return tuple(clean(values[c], WIDTHS.get(c, 24)) for c in COLUMNS)

    def _cell(self, column: str, text: str, row: Any) -> Text:
        style = ""
        if column == "state":
            style = STATE_STYLES.get(row.state, "")
        elif column == "security" and ("privileged" in text or "SYS_ADMIN" in text):
            style = "bold red"
        elif column == "ours" and "running" in text:
            style = "bold yellow"
        elif column == "exit" and row.exit_code not in (None, 0):
            style = "red"
        return marked(text, style, no_wrap=True, overflow="ellipsis")

    def refresh_rows(self) -> None:
        rows = self._collect()
        if self.only_running:
            rows = [r for r in rows if r.state == "Running"]
        if self.filter_text:
            needle = self.filter_text.lower()
            rows = [
                r
                for r in rows
                if any(needle in f.lower() for f in (r.namespace, r.pod, r.name, r.image, r.state))
            ]
        rows.sort(key=lambda r: (r.state != "Running", r.namespace, r.pod, r.name))
        wanted = {row_key(r): r for r in rows}
        table = self.table
        selected = self.selected_key
        # Where the selected row sits on screen: a re-list or new rows must not move it.
        on_screen = self._keep_on_screen
        if on_screen is None:  # else a scroll from the last refresh is still pending
            on_screen = table.cursor_row - int(table.scroll_offset.y)
        with self.app.batch_update():
            if list(wanted) != list(self._texts):
                table.clear()
                self._texts.clear()
            for key, row in wanted.items():
                texts = self._texts_of(row)
                old = self._texts.get(key)
                if old is None:
                    cells = [self._cell(c, t, row) for c, t in zip(COLUMNS, texts, strict=True)]
                    table.add_row(*cells, key=key)
                elif old != texts:
                    for i, col in enumerate(COLUMNS):
                        if old[i] != texts[i]:
                            table.update_cell(
                                key, col, self._cell(col, texts[i], row), update_width=True
                            )
                self._texts[key] = texts
            self.rows = wanted
            if selected in wanted:
                row = table.get_row_index(selected)
                if row != table.cursor_row:
                    table.move_cursor(row=row, animate=False, scroll=False)
                top = max(0, row - on_screen)
                if top != int(table.scroll_offset.y):
                    # After the refresh: new rows must count in the scrollable height first.
                    self._keep_on_screen = on_screen
                    self.call_after_refresh(self._restore_scroll, top)
        self._summary(rows)
        self._detail()

    def _restore_scroll(self, top: int, tries: int = 25) -> None:
        """Scroll to `top` once the table has sized its new rows, and keep it there until it
        holds across a tick (DataTable also scrolls its cursor into view after a refresh)."""
        table = self.table
        if tries > 0 and int(table.scroll_offset.y) != top:
            if top <= table.max_scroll_y:
                table.scroll_to(y=top, animate=False, immediate=True)
            self.set_timer(0.02, lambda: self._restore_scroll(top, tries - 1))
            return
        self._keep_on_screen = None

    def _summary(self, rows: list[Any]) -> None:
        services = self.app.services
        running = sum(r.state == "Running" for r in rows)
        pods = len({(r.namespace, r.pod) for r in rows})
        ours_running = sum(
            services.is_ours(r.namespace, r.pod, r.name) and r.state == "Running" for r in rows
        )
        scope = services.namespace or "all namespaces"
        text = Text()
        text.append(
            f"{count(len(rows), 'ephemeral container')} in {count(pods, 'pod')} "
            f"({clean(scope, 40)})",
            style="bold",
        )
        text.append(f" · {running} running")
        if ours_running:
            text.append(f" · {ours_running} of ours still running", style="bold yellow")
        if self.only_running:
            text.append(" · showing running only", style="dim")
        if self.filter_text:
            text.append(f" · filter {clean(self.filter_text, 40)!r}", style="dim")
        self.query_one("#triage-summary", Static).update(text)

    @property
    def selected_key(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        try:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:
            return None

    @property
    def selected(self) -> Any:
        return self.rows.get(self.selected_key or "")

    @on(DataTable.RowHighlighted)
    def _detail(self) -> None:
        row = self.selected
        detail = self.query_one("#triage-detail", Static)
        if row is None:
            detail.update(
                plain("No ephemeral containers here. Press d on a pod to start one.", "dim")
            )
            return
        pod = self.app.services.store.get(row.pod_uid) if row.pod_uid else None
        spec: dict[str, Any] = next(
            (
                c
                for c in ((pod or {}).get("spec") or {}).get("ephemeralContainers") or []
                if c.get("name") == row.name
            ),
            {},
        )
        command = (
            " ".join(map(str, (spec.get("command") or []) + (spec.get("args") or [])))
            or "(image default)"
        )
        io = " ".join(f for f in ("stdin", "tty") if spec.get(f)) or "no stdin/tty"
        how = (
            "enter/a: attach"
            if row.attachable
            else "l: logs (not attachable: "
            + ("not running" if row.state != "Running" else "no stdin+tty")
            + ")"
        )
        text = Text()
        text.append(f"{clean(row.namespace)}/{clean(row.pod)} · {clean(row.name)}", style="bold")
        target = target_state(pod, row.target)
        if target:
            text.append(f"   target {clean(row.target)}: {target}", style="dim")
        text.append("\n")
        text.append(f"command: {clean(command, 200)}   io: {io}\n")
        text.append(f"security: {clean(row.security or 'default', 200)}   profile: {row.profile}\n")
        why = state_message(pod, row.name)
        if why:
            text.append(f"{why}\n", style="yellow")
        text.append(how + " · d: debug this pod again", style="cyan")
        detail.update(text)

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        row = self.selected
        if row is not None and row.attachable and not self.app.services.readonly:
            self.action_attach()
        else:
            self.action_logs()

    def action_filter(self) -> None:
        box = self.query_one("#triage-filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#triage-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()
        self.refresh_rows()

    @on(Input.Submitted, "#triage-filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def action_back(self) -> None:
        box = self.query_one("#triage-filter", Input)
        if box.display:
            box.value = ""
            box.display = False
            self.table.focus()
        else:
            self.app.pop_screen()

    def action_only_running(self) -> None:
        self.only_running = not self.only_running
        self.refresh_rows()
