"""Triage of every context at once: each debugger of every cluster in one list.

The listing is kube/triage_contexts.py (one session per context, concurrently, each with its
own deadline); this screen only shows it: a row per debugger with its context as the first
column, filled in as each context answers, and a line per context that failed, with the
reason, while the others are shown as usual. `r` lists again.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from kdebug_tui.ui.common.safe_text import clean

COLUMNS = ("CONTEXT", "NAMESPACE", "POD", "DEBUGGER", "TARGET", "STATE", "AGE")


class AllContextsTriageScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("r", "reload", "Reload", tooltip="List every context again"),
    ]
    DEFAULT_CSS = """
    AllContextsTriageScreen #contexts-title { height: 1; background: $panel; padding: 0 1; }
    AllContextsTriageScreen #contexts-state { height: auto; padding: 0 1; color: $text-muted; }
    AllContextsTriageScreen DataTable { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.results: dict[str, Any] = {}  # context -> ContextResult, as they finish
        self.contexts: list[str] = []
        self.finished = 0  # contexts answered (or failed) in this round

    def compose(self) -> ComposeResult:
        yield Static("Debuggers in every context", id="contexts-title")
        yield Static("", id="contexts-state", markup=False)
        yield DataTable(id="contexts-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        self.action_reload()

    def action_reload(self) -> None:
        self.results.clear()
        self.finished = 0
        self.query_one(DataTable).clear()
        self._load()

    @work(group="triage-contexts", exclusive=True, exit_on_error=False)
    async def _load(self) -> None:
        from kdebug_tui.kube.kubeconfig import load_kubeconfig
        from kdebug_tui.kube.triage_contexts import triage_all_contexts

        app: Any = self.app  # KdebugApp: services, clock
        kubeconfig = app.services.kubeconfig
        config = load_kubeconfig(str(kubeconfig) if kubeconfig else None)
        pairs = [(info.name, info.cluster) for info in config.context_infos()]
        self.contexts = [name for name, _ in pairs]
        self._show_state()
        await triage_all_contexts(
            str(kubeconfig) if kubeconfig else None,
            pairs,
            now=app.clock(),
            on_done=self._context_done,
        )

    def _context_done(self, result: Any) -> None:
        self.results[result.context] = result
        self.finished += 1
        table = self.query_one(DataTable)
        for item in result.rows:
            row = item.row
            cells = [item.context, row.namespace, row.pod, row.name, row.target or "-"]
            cells += [row.state, row.age]
            table.add_row(*(Text(clean(str(c), 80)) for c in cells))  # a str cell is markup
        self._show_state()

    def _show_state(self) -> None:
        parts = []
        for name in self.contexts:
            result = self.results.get(name)
            if result is None:
                parts.append(f"{name}: listing…")
            elif result.state == "ok":
                parts.append(f"{name}: {len(result.rows)} debuggers in {result.pods} pods")
            else:
                parts.append(f"{name}: FAILED: {result.error}")
        text = "\n".join(clean(p, 200) for p in parts) or "no contexts in the kubeconfig"
        self.query_one("#contexts-state", Static).update(text)
