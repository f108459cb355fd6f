"""The one live list screen for every kind of ui/resources/kinds.py.

k9s's split, here: kube/resources.py (dao and render: path, kubectl's columns, cells),
model.py (rows by key, order, filter, metrics), this screen (the table and its keys) and
actions.py (what the keys do). A watch worker folds updates into the model; repaints are
coalesced to one per REPAINT_DELAY and only rows whose cells changed are rewritten.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static

from kdebug_tui.ui.common.base import ForwardWorkerErrors
from kdebug_tui.ui.common.safe_text import clean, plain
from kdebug_tui.ui.resources import data
from kdebug_tui.ui.resources.actions import ResourceActions
from kdebug_tui.ui.resources.kinds import ResourceView
from kdebug_tui.ui.resources.model import ResourceRows

REPAINT_DELAY = 0.1
AGE_REFRESH_SECONDS = 5.0
METRICS_SECONDS = 15.0
CELL_LIMIT = 200


class ResourcesScreen(ForwardWorkerErrors, ResourceActions, Screen[None]):
    """A live list of one kind: kubectl's columns, watch-driven; `enter` goes down to pods."""

    app: Any

    BINDINGS = [
        Binding("D", "describe", "Describe", id="resources.describe"),
        Binding("y", "yaml", "YAML", id="resources.yaml"),
        Binding("d", "debug", "Debug", id="resources.debug"),
        Binding("s", "shell", "Shell", id="resources.shell"),
        Binding("l", "logs", "Logs", id="resources.logs"),
        Binding("F", "port_forward", "Port-forward", id="resources.port_forward"),
        Binding("f", "forwards", "Forwards", show=False, id="resources.forwards"),
        Binding("slash", "filter", "Filter", id="resources.filter"),
        Binding("escape", "back", "Back", id="resources.back"),
    ]

    DEFAULT_CSS = """
    ResourcesScreen #resources-title { height: 1; background: $panel; padding: 0 1; }
    ResourcesScreen #resources-state { height: 1; padding: 0 1; color: $text-muted; }
    ResourcesScreen DataTable { height: 1fr; }
    ResourcesScreen #resources-filter { display: none; }
    ResourcesScreen.-filtering #resources-filter { display: block; }
    """

    def __init__(
        self,
        view: ResourceView,
        *,
        namespace: str | None = None,
        query: Any = None,
        above: tuple[Any, dict[str, Any]] | None = None,
        title: str = "",
    ) -> None:
        super().__init__()
        self.view = view
        self.namespace = None if view.cluster_wide else namespace
        self.above = above  # (KindDef, object) whose pods these are
        self.rows = ResourceRows(view, query)
        self.title_text = title or self._default_title()
        self.state = "connecting"
        self.live = asyncio.Event()  # set once the first list is in
        self._shown: list[str] = []
        self._cells: dict[str, list[str]] = {}
        self._first: dict[str, Text] = {}  # each row's first cell, as given to the table
        self._heads: list[str] = []
        self._repaint_timer: Timer | None = None
        self._full = True

    def _default_title(self) -> str:
        where = self.namespace or "all namespaces"
        if self.view.kind.namespaced is False:
            where = "cluster"
        return f"{self.view.title} · {where}"

    @property
    def all_namespaces(self) -> bool:
        return self.namespace is None

    def compose(self) -> ComposeResult:
        yield Static(plain(self.title_text, "bold"), id="resources-title")
        yield Static("connecting…", id="resources-state", markup=False)
        yield DataTable(id="resources-table", cursor_type="row", zebra_stripes=True)
        yield Input(
            placeholder="filter (events: kind/name, e.g. deploy/frontend)", id="resources-filter"
        )
        yield Footer()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#resources-table", DataTable)

    def on_mount(self) -> None:
        self.table.focus()
        self._repaint()
        self._watch()
        self.set_interval(AGE_REFRESH_SECONDS, self._repaint_all)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys of other kinds are hidden: `s` is for pods, `d` for pods and nodes."""
        needs = {
            "shell": "shell",
            "logs": "logs",
            "port_forward": "port_forward",
        }.get(action)
        if needs is not None:
            readonly = needs == "shell" and self.app.services.readonly  # exec takes stdin
            return needs in self.view.actions and not readonly
        if action == "debug":
            ok = bool({"debug", "debug_node"} & self.view.actions)
            return ok and not self.app.services.readonly
        return True

    # ---- the watch ----------------------------------------------------------------------

    @work(group="resources-watch", exclusive=True, exit_on_error=False, description="watch")
    async def _watch(self) -> None:
        services = self.app.services
        await services.connected.wait()
        if self.view.metrics:
            self._metrics()
        query = self.rows.query
        if query is not None and query.empty:
            self._set_state("live", "nothing selects pods here")
            self.live.set()
            return
        namespace = query.namespace if query is not None else self.namespace
        async for update in data.watch(services, self.view, namespace, query):
            if update.kind == "STATE":
                self._set_state(update.state.state, update.state.message)
                continue
            if self.rows.apply(update):
                self._schedule_repaint()
            if update.kind == "RELISTED":
                self._set_state("live", f"{len(self.rows.objects)} {self.view.kind.resource}")
                self.live.set()
            if self.rows.unknown_owner:
                await self._resolve_owners()

    async def _resolve_owners(self) -> None:
        self.rows.unknown_owner = False
        if self.above is None:
            return
        kind, obj = self.above
        self.rows.query = await data.pod_query(self.app.services, kind, obj)
        self._schedule_repaint()

    @work(group="resources-metrics", exclusive=True, exit_on_error=False, description="metrics")
    async def _metrics(self) -> None:
        """Usage every METRICS_SECONDS while metrics.k8s.io answers; without it, no columns."""
        services = self.app.services
        if not await data.metrics_available(services):
            return
        while True:
            namespace = self.rows.query.namespace if self.rows.query else self.namespace
            try:
                usage = await data.usage(services, self.view, namespace)
            except Exception:  # metrics going away mid-run: keep the last, try again
                usage = self.rows.usage or {}
            self.rows.usage = usage
            self._schedule_repaint(full=True)
            await asyncio.sleep(METRICS_SECONDS)

    def _set_state(self, state: str, message: str) -> None:
        self.state = state
        label = {"live": "", "connecting": "connecting: "}.get(state, f"{state}: ")
        self.query_one("#resources-state", Static).update(Text(clean(label + message, 300)))

    # ---- painting -----------------------------------------------------------------------

    def _schedule_repaint(self, *, full: bool = False) -> None:
        self._full = self._full or full
        if self._repaint_timer is None:
            self._repaint_timer = self.set_timer(REPAINT_DELAY, self._repaint)

    def _repaint_all(self) -> None:
        """Every row's cells again (ages move on; usage changed)."""
        self._full = True
        self._repaint()

    def _repaint(self) -> None:
        """Rows whose objects changed get their cells again, the others keep theirs."""
        self._repaint_timer = None
        full, self._full = self._full, False
        dirty, self.rows.dirty = self.rows.dirty, set()
        table = self.table
        now = self.app.clock()
        heads = self.rows.headers(self.all_namespaces)
        if heads != self._heads:
            table.clear(columns=True)
            for i, head in enumerate(heads):
                table.add_column(head, key=str(i))
            self._heads, self._shown, self._cells, self._first = heads, [], {}, {}
        keys = self.rows.visible(now)
        cached = self._cells
        cells = {
            k: cached[k]
            if not full and k in cached and k not in dirty
            else [clean(c, CELL_LIMIT) for c in self.rows.cells(k, now, self.all_namespaces)]
            for k in keys
        }
        current = self.selected_key()
        self._reconcile(keys, cells)
        self._shown, self._cells = keys, cells
        if current in cells and table.cursor_row != keys.index(current):
            table.move_cursor(row=keys.index(current), animate=False)

    def _reconcile(self, keys: list[str], cells: dict[str, list[str]]) -> None:
        """Gone rows removed, new ones added, changed cells rewritten, then one sort if the
        order moved (events: a new one goes on top), never a rebuild of every row."""
        table = self.table
        wanted = set(cells)
        for key in set(self._shown) - wanted:
            table.remove_row(key)
            self._first.pop(key, None)
        order = [k for k in self._shown if k in wanted]
        for key in keys:
            row = cells[key]
            if key not in self._first:
                texts = [Text(c) for c in row]
                table.add_row(*texts, key=key)
                self._first[key] = texts[0]
                order.append(key)
                continue
            old = self._cells.get(key)
            for i, cell in enumerate(row):
                if old is None or i >= len(old) or old[i] != cell:
                    text = Text(cell)
                    table.update_cell(key, str(i), text)
                    if i == 0:
                        self._first[key] = text
        if order != keys:
            # the first cell of each row is our own Text object: its id names the row
            position = {id(self._first[k]): i for i, k in enumerate(keys)}
            table.sort(key=lambda values: position[id(values[0])])

    def selected_key(self) -> str | None:
        table = self.table
        if not self._shown or table.cursor_row < 0 or table.cursor_row >= len(self._shown):
            return None
        return self._shown[table.cursor_row]

    def selected(self) -> dict[str, Any] | None:
        key = self.selected_key()
        return None if key is None else self.rows.objects.get(key)

    def visible_names(self) -> list[str]:
        """The names shown, in order (tests and screenshots read this)."""
        return [key.partition("/")[2] for key in self._shown]

    # ---- filter and navigation ----------------------------------------------------------

    def action_filter(self) -> None:
        self.add_class("-filtering")
        field = self.query_one("#resources-filter", Input)
        field.value = self.rows.filter
        field.focus()

    @on(Input.Changed, "#resources-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.rows.filter = event.value
        self._schedule_repaint()

    @on(Input.Submitted, "#resources-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.table.focus()

    def set_filter(self, text: str) -> None:
        self.rows.filter = text
        self.add_class("-filtering")
        self.query_one("#resources-filter", Input).value = text
        self._schedule_repaint()

    def action_back(self) -> None:
        if self.rows.filter or self.has_class("-filtering"):
            self.rows.filter = ""
            self.query_one("#resources-filter", Input).value = ""
            self.remove_class("-filtering")
            self.table.focus()
            self._schedule_repaint()
            return
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    @on(DataTable.RowSelected, "#resources-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_enter()
