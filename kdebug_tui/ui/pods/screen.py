"""The pods browser (default screen): live table, filter, sort, the selected pod's containers.

Sync: `PodsChanged` (coalesced) -> `ClusterServices.changes_since(cursor)` -> render only the
changed pods -> `PodTable.apply`. Repaints are capped at `settings.refresh_rate` per second,
so a burst of watch events costs one reconcile per frame, not one per event.
Actions that need the cluster run in workers via `app.services`; see pod_actions.py.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static

from kdebug_tui.ui.common.base import ForwardWorkerErrors
from kdebug_tui.ui.common.messages import (
    AccessChanged,
    ClusterChanged,
    PodsChanged,
    WatchStateChanged,
)
from kdebug_tui.ui.common.safe_text import plain
from kdebug_tui.ui.common.status_bar import ClusterHeader, StatusBar
from kdebug_tui.ui.pods.actions import PodActions
from kdebug_tui.ui.pods.container_list import ContainerList
from kdebug_tui.ui.pods.table import SORT_ORDER, PodTable

AGE_REFRESH_SECONDS = 5.0
AGE_CHUNK = 250
_REGEX_CHARS = set("^$*+?[](){}|\\")


class PodFilter:
    """Substring (case-insensitive) on name/namespace/status/node; a regex if it looks like one."""

    def __init__(self, text: str) -> None:
        self.text = text.strip()
        self.regex: re.Pattern[str] | None = None
        self.error = ""
        if self.text and _REGEX_CHARS & set(self.text):
            try:
                self.regex = re.compile(self.text, re.IGNORECASE)
            except re.error as exc:
                self.error = f"not a valid regex ({exc.msg}); matching as text"
        self.needle = self.text.lower()

    def __bool__(self) -> bool:
        return bool(self.text)

    def matches(self, row: Any) -> bool:
        if not self.text:
            return True
        fields = (row.name, row.namespace, row.status, row.node)
        if self.regex is not None:
            return any(self.regex.search(f) for f in fields)
        return any(self.needle in f.lower() for f in fields)

    def __call__(self, row: Any, hay: str) -> bool:
        """The table's test: `hay` is the row's lower-cased search text, precomputed."""
        if self.regex is not None:
            return self.matches(row)
        return self.needle in hay

    def narrows(self, before: PodFilter) -> bool:
        """Every pod this filter matches also matched `before` (plain text that grew)."""
        plain_texts = self.regex is None and before.regex is None and bool(before.text)
        return plain_texts and before.needle in self.needle


class PodsScreen(ForwardWorkerErrors, PodActions, Screen[None]):
    """Pods of the current namespace (or all), kubectl columns, live."""

    BINDINGS = [
        Binding(
            "slash", "filter", "Filter", tooltip="Filter pods (text or regex)", id="pods.filter"
        ),
        Binding("escape", "back", "Back", show=False, id="pods.back"),
        Binding(
            "o", "cycle_sort", "Sort", tooltip="Sort by name/status/restarts/age", id="pods.sort"
        ),
        Binding(
            "O",
            "reverse_sort",
            "Reverse sort",
            show=False,
            tooltip="Reverse the sort order",
            id="pods.sort_reverse",
        ),
        Binding(
            "d", "debug", "Debug", tooltip="Debug: start an ephemeral container", id="pods.debug"
        ),
        Binding(
            "a",
            "attach",
            "Attach",
            tooltip="Attach to a running interactive container",
            id="pods.attach",
        ),
        Binding(
            "s",
            "shell",
            "Shell",
            tooltip="A shell in the container (exec: bash, else sh)",
            id="pods.shell",
        ),
        Binding("l", "logs", "Logs", tooltip="Logs of the container", id="pods.logs"),
        Binding("y", "yaml", "YAML", tooltip="Pod YAML", id="pods.yaml"),
        Binding(
            "D", "describe", "Describe", tooltip="Describe pod (with events)", id="pods.describe"
        ),
        Binding(
            "t", "triage", "Triage", tooltip="Triage: every ephemeral container", id="pods.triage"
        ),
        Binding(
            "ctrl+d,delete", "delete", "Delete", show=False, tooltip="Delete pod", id="pods.delete"
        ),
        Binding(
            "T",
            "triage_all_contexts",
            "Triage all contexts",
            show=False,
            tooltip="Triage: the debuggers of every context of the kubeconfig",
            id="pods.triage_all",
        ),
        Binding("c", "pick_context", "Context", tooltip="Switch context", id="pods.context"),
        Binding(
            "n", "pick_namespace", "Namespace", tooltip="Switch namespace", id="pods.namespace"
        ),
        Binding(
            "A",
            "all_namespaces",
            "All namespaces",
            show=False,
            tooltip="Toggle all namespaces",
            id="pods.all",
        ),
        Binding(
            "N",
            "debug_node",
            "Debug a node",
            show=False,
            tooltip="Debug a node (privileged pod)",
            id="pods.node",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._cursor: int | None = None
        self._epoch: int | None = None
        self._filter = PodFilter("")
        self._class_of: dict[str, str] = {}
        self._class_counts: Counter[str] = Counter()
        self._last_sync = 0.0
        self._sync_timer: Timer | None = None
        self._age_cursor = 0
        self.sync_count = 0  # reconciles done (tests and benchmarks read it)
        self.filter_count = 0  # filter changes applied (tests and benchmarks read it)

    def compose(self) -> ComposeResult:
        yield ClusterHeader(id="header")
        yield Input(
            placeholder="filter: text or regex on name, namespace, status, node", id="filter"
        )
        with Vertical(id="pods-body"):
            yield PodTable(id="pods")
            yield Static("", id="containers-title")
            yield ContainerList(id="containers")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.app.services.subscribe(self)
        self.set_interval(AGE_REFRESH_SECONDS, self._refresh_ages)
        self.query_one(PodTable).focus()
        self._sync()

    def on_unmount(self) -> None:
        self.app.services.unsubscribe(self)

    @property
    def table(self) -> PodTable:
        return self.query_one(PodTable)

    @property
    def containers(self) -> ContainerList:
        return self.query_one(ContainerList)

    # ---- sync with the store -------------------------------------------------------------

    def on_pods_changed(self, _: PodsChanged) -> None:
        interval = 1.0 / max(self.app.settings.refresh_rate, 1.0)
        wait = self._last_sync + interval - time.monotonic()
        if wait <= 0:
            self._sync()
        elif self._sync_timer is None:
            self._sync_timer = self.set_timer(wait, self._sync)

    def on_cluster_changed(self, _: ClusterChanged) -> None:
        self._sync()

    def on_watch_state_changed(self, _: WatchStateChanged) -> None:
        self._update_counts()

    def on_access_changed(self, _: AccessChanged) -> None:
        self.refresh_bindings()

    def _rows_for(self, uids: set[str] | None) -> tuple[list[tuple[Any, float]], list[str]]:
        """PodRows (+ created epoch) to upsert and uids to remove, for `uids` (None: all)."""
        from kdebug_tui.kube.render import parse_time, pod_row

        store = self.app.services.store
        now = self.app.clock()
        upserts: list[tuple[Any, float]] = []
        removed: list[str] = []
        pods = store.pods() if uids is None else [store.get(uid) or uid for uid in uids]
        for pod in pods:
            if isinstance(pod, str):  # gone from the store
                removed.append(pod)
                self._count(pod, None)
                continue
            row = pod_row(pod, now)
            self._count(row.uid, row.status_class)
            # Every pod goes to the table; its filter decides what is shown (table.py).
            created = parse_time((pod.get("metadata") or {}).get("creationTimestamp")) or 0.0
            upserts.append((row, created))
        return upserts, removed

    def _count(self, uid: str, status_class: str | None) -> None:
        old = self._class_of.pop(uid, None)
        if old is not None:
            self._class_counts[old] -= 1
        if status_class is not None:
            self._class_of[uid] = status_class
            self._class_counts[status_class] += 1

    def _sync(self) -> None:
        self._sync_timer = None
        self._last_sync = time.monotonic()
        services = self.app.services
        if services.store is None:
            return
        changes = services.changes_since(self._cursor, self._epoch)
        if not changes.full and not changes.uids:
            return
        self._cursor = changes.cursor
        with self.app.batch_update():  # table, containers and status bar: one paint
            self._reconcile(changes)

    def _reconcile(self, changes: Any) -> None:
        services = self.app.services
        table = self.table
        if changes.full:
            self._epoch = services.epoch
            self._class_of.clear()
            self._class_counts.clear()
            show_ns = services.namespace is None
            if show_ns != table.show_namespace or len(table):
                table.reset(show_namespace=show_ns)
            upserts, _ = self._rows_for(None)
            table.replace(upserts)
        else:
            upserts, removed = self._rows_for(changes.uids)
            table.apply(upserts, removed)
        self.sync_count += 1
        self._show_containers()
        self._update_counts()

    def _refresh_ages(self) -> None:
        """AGE and RESTARTS ("3 (5m ago)") move with the clock even without events.

        Visible rows every tick, the rest round-robin in chunks: a tick costs the same with
        50 or 5,000 pods (off-screen ages may lag a few ticks; they are not on screen).
        """
        table = self.table
        if self.app.services.store is None or not len(table):
            return
        uids = table.uids()
        top = int(table.scroll_offset.y)
        wanted = set(uids[top : top + table.size.height])
        start = self._age_cursor % len(uids)
        wanted.update(uids[start : start + AGE_CHUNK])
        self._age_cursor = start + AGE_CHUNK
        upserts, removed = self._rows_for(wanted)
        table.apply(upserts, removed)
        self._show_containers()

    def _update_counts(self) -> None:
        total = len(self._class_of)
        counts = self._class_counts
        parts = [f"{total} pods"]
        store = self.app.services.store
        if store is not None and getattr(store, "listing", False):
            # A paged list is arriving (kube/watch.py PAGE updates): say how far it is.
            of = f" of {store.total:,}" if store.total else ""
            parts[0] = f"loading {total:,}{of} pods…"
        if self._filter:
            parts.append(f"{len(self.table)} shown")
        if counts["error"]:
            parts.append(f"{counts['error']} failing")
        if counts["pending"]:
            parts.append(f"{counts['pending']} pending")
        sort = self.table.sort_by
        parts.append(f"sort: {sort}" + (" (reversed)" if self.table.sort_reverse else ""))
        if self._filter.error:  # stays said while the filter is invalid (a toast goes)
            parts.append(f"filter {self._filter.error}")
        self.query_one(StatusBar).set_counts(" · ".join(parts))
        self.table.set_empty_text(self._empty_text(total))

    def _empty_text(self, total: int) -> str:
        services = self.app.services
        if services.store is None:
            return "connecting to the cluster…"
        if total and self._filter:
            return f"no pod matches {self._filter.text!r} (esc clears the filter)"
        if services.watch_state in ("connecting", "reconnecting", "error"):
            detail = f": {services.watch_message}" if services.watch_message else ""
            return f"no pods yet, the watch is {services.watch_state}{detail}"
        where = f"namespace {services.namespace}" if services.namespace else "any namespace"
        return f"no pods in {where}"

    # ---- containers of the selected pod ----------------------------------------------------

    @on(PodTable.Highlighted)
    def _pod_highlighted(self) -> None:
        self._show_containers()

    def _show_containers(self) -> None:
        from kdebug_tui.kube.render import container_rows

        uid = self.table.selected_uid
        store = self.app.services.store
        pod = store.get(uid) if (uid and store is not None) else None
        title = self.query_one("#containers-title", Static)
        self.containers.display = pod is not None
        if pod is None:
            self.containers.show(None, [])
            title.update("")
            return
        meta = pod.get("metadata") or {}
        title.update(plain(f"containers of {meta.get('namespace')}/{meta.get('name')}", "bold"))
        self.containers.show(uid, container_rows(pod, self.app.clock()))

    @on(PodTable.Selected)
    def _pod_selected(self) -> None:
        self.action_open()

    @on(DataTable.RowSelected, "#containers")
    def _container_selected(self) -> None:
        row = self.containers.selected
        if (
            row is not None
            and row.state == "Running"
            and row.stdin
            and row.tty
            and not self.app.services.readonly
        ):
            self.action_attach()
        else:
            self.action_logs()

    def action_open(self) -> None:
        """enter: from the pod list, go to its containers; on a container, attach or logs."""
        if self.focused is self.containers:
            self._container_selected()
        elif self.containers.row_count:
            self.containers.focus()

    def action_triage_all_contexts(self) -> None:
        from kdebug_tui.ui.triage.contexts import AllContextsTriageScreen

        self.app.push_screen(AllContextsTriageScreen())

    # ---- filter and sort -------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        before, self._filter = self._filter, PodFilter(event.value)
        if self._filter.error:
            self.notify(self._filter.error, severity="warning", timeout=3, markup=False)
        if self._filter.text == before.text and self._filter.regex == before.regex:
            return
        narrowing = self._filter.narrows(before)
        self.table.set_filter(self._filter if self._filter else None, narrowing=narrowing)
        self.filter_count += 1
        self._show_containers()
        self._update_counts()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.table.focus()
        if not self._filter:
            self.query_one("#filter", Input).display = False

    def action_back(self) -> None:
        box = self.query_one("#filter", Input)
        if self.focused is box or (box.display and self._filter):
            box.value = ""
            box.display = False
            self.table.focus()
        elif self.focused is self.containers:
            self.table.focus()

    def action_cycle_sort(self) -> None:
        index = SORT_ORDER.index(self.table.sort_by)
        self.table.set_sort(SORT_ORDER[(index + 1) % len(SORT_ORDER)])
        self._update_counts()
        self.notify(f"sorted by {self.table.sort_by}", timeout=1.5)

    def action_reverse_sort(self) -> None:
        self.table.set_sort(self.table.sort_by, reverse=not self.table.sort_reverse)
        self._update_counts()
        order = "reversed" if self.table.sort_reverse else "normal"
        self.notify(f"sorted by {self.table.sort_by}, {order} order", timeout=1.5)

    # ---- selection helpers used by PodActions ------------------------------------------------

    def selected_pod(self) -> dict[str, Any] | None:
        uid = self.table.selected_uid
        store = self.app.services.store
        if not uid or store is None:
            return None
        pod: dict[str, Any] | None = store.get(uid)
        return pod

    def selected_container(self) -> Any:
        """The container row if the container list has focus, else None."""
        if self.focused is self.containers:
            return self.containers.selected
        return None

    def container_rows(self) -> list[Any]:
        return self.containers.container_rows()
