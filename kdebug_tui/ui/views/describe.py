"""`D`: a kubectl-describe-like summary of a pod, with its events, as plain text.

The pod and its events are fetched fresh (not from the watch cache) in a worker; a pod
that vanished in between is an inline message, not a crash.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from kdebug_tui.ui.common.base import ForwardWorkerErrors
from kdebug_tui.ui.common.safe_text import clean, marked, plain
from kdebug_tui.ui.common.search_keys import SearchKeys
from kdebug_tui.ui.common.text_search import TextSearch


def _kv(lines: list[str], key: str, value: Any, indent: int = 0) -> None:
    pad = " " * indent
    lines.append(
        f"{pad}{key + ':':<20}{clean(value if value not in (None, '') else '<none>', 200)}"
    )


def _map(value: dict[str, Any] | None) -> str:
    if not value:
        return "<none>"
    return ", ".join(f"{k}={v}" for k, v in sorted(value.items()))


def _state_text(status: dict[str, Any] | None) -> list[tuple[str, Any]]:
    if not status:
        return [("State", "Waiting (no status yet)")]
    out: list[tuple[str, Any]] = []
    for label, state in (("State", status.get("state")), ("Last State", status.get("lastState"))):
        if not state:
            continue
        (name, detail), *_ = state.items()
        out.append((label, name.capitalize()))
        for key in ("reason", "exitCode", "message", "startedAt", "finishedAt"):
            if key in (detail or {}):
                out.append((f"  {key[0].upper()}{key[1:]}", detail[key]))
    out.append(("Ready", status.get("ready", False)))
    out.append(("Restart Count", status.get("restartCount", 0)))
    return out


def _container(lines: list[str], c: dict[str, Any], status: dict[str, Any] | None) -> None:
    lines.append(f"  {clean(c.get('name'), 80)}:")
    _kv(lines, "Image", c.get("image"), 4)
    if c.get("targetContainerName"):
        _kv(lines, "Target Container", c.get("targetContainerName"), 4)
    if c.get("command"):
        _kv(lines, "Command", " ".join(map(str, c["command"])), 4)
    if c.get("args"):
        _kv(lines, "Args", " ".join(map(str, c["args"])), 4)
    io = [flag for flag in ("stdin", "tty") if c.get(flag)]
    if io:
        _kv(lines, "I/O", " ".join(io), 4)
    sc = c.get("securityContext")
    if sc:
        _kv(lines, "Security Context", sc, 4)
    for key, value in _state_text(status):
        _kv(lines, key, value, 4)


def _event_age(event: dict[str, Any], now: float | None) -> str:
    from kdebug_tui.kube.render import format_age, parse_time

    stamp = event.get("lastTimestamp") or event.get("eventTime") or event.get("firstTimestamp")
    seen = parse_time(stamp)
    if now is None or seen is None:
        return clean(stamp or "", 21)
    return format_age(max(0.0, now - seen))


def describe_pod(
    pod: dict[str, Any], events: list[dict[str, Any]], now: float | None = None
) -> str:
    """A kubectl-describe-like text of a pod dict and its events (ages relative to `now`)."""
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    lines: list[str] = []
    _kv(lines, "Name", meta.get("name"))
    _kv(lines, "Namespace", meta.get("namespace"))
    _kv(lines, "Node", spec.get("nodeName"))
    _kv(lines, "Start Time", status.get("startTime"))
    _kv(lines, "Labels", _map(meta.get("labels")))
    _kv(lines, "Annotations", _map(meta.get("annotations")))
    _kv(lines, "Status", status.get("phase"))
    if meta.get("deletionTimestamp"):
        _kv(lines, "Terminating since", meta.get("deletionTimestamp"))
    _kv(lines, "IP", status.get("podIP"))
    owners = meta.get("ownerReferences") or []
    _kv(lines, "Controlled By", ", ".join(f"{o.get('kind')}/{o.get('name')}" for o in owners))
    for title, key, status_key in (
        ("Init Containers", "initContainers", "initContainerStatuses"),
        ("Containers", "containers", "containerStatuses"),
        ("Ephemeral Containers", "ephemeralContainers", "ephemeralContainerStatuses"),
    ):
        containers = spec.get(key) or []
        if not containers:
            continue
        statuses = {s.get("name"): s for s in status.get(status_key) or []}
        lines.append(f"{title}:")
        for c in containers:
            _container(lines, c, statuses.get(c.get("name")))
    conditions = status.get("conditions") or []
    if conditions:
        lines.append("Conditions:")
        lines.append(f"  {'Type':<28}Status")
        for cond in conditions:
            lines.append(f"  {clean(cond.get('type'), 40):<28}{clean(cond.get('status'), 10)}")
    volumes = spec.get("volumes") or []
    if volumes:
        lines.append("Volumes:")
        for vol in volumes:
            kinds = [k for k in vol if k != "name"]
            lines.append(f"  {clean(vol.get('name'), 60)}: {clean(', '.join(kinds), 60)}")
    _kv(lines, "QoS Class", status.get("qosClass"))
    _kv(
        lines, "Tolerations", ", ".join(str(t.get("key", t)) for t in spec.get("tolerations") or [])
    )
    lines.append("Events:")
    if not events:
        lines.append("  <none>")
    else:
        lines.append(f"  {'Type':<9}{'Reason':<20}{'Age':<22}{'From':<20}Message")
        for ev in events:
            source = (ev.get("source") or {}).get("component") or ev.get("reportingComponent") or ""
            seen = _event_age(ev, now)
            count = ev.get("count")
            message = clean(ev.get("message"), 300) + (
                f" (x{count})" if count and count > 1 else ""
            )
            lines.append(
                f"  {clean(ev.get('type'), 8):<9}{clean(ev.get('reason'), 19):<20}"
                f"{clean(seen, 21):<22}{clean(source, 19):<20}{message}"
            )
    return "\n".join(lines)


class DescribeScreen(SearchKeys, ForwardWorkerErrors, Screen[None]):
    app: Any  # KdebugApp: services, clock
    search_input = "describe-search"

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("r", "reload", "Reload"),
        Binding("slash", "search", "Search"),
        Binding("n", "next_match", "Next", show=False),
        Binding("N", "previous_match", "Previous", show=False),
    ]

    DEFAULT_CSS = """
    DescribeScreen #describe-title { height: 1; background: $panel; padding: 0 1; }
    DescribeScreen #describe-scroll { height: 1fr; padding: 0 1; }
    DescribeScreen #describe-search { display: none; }
    DescribeScreen.-searching #describe-search { display: block; }
    """

    def __init__(self, namespace: str, name: str) -> None:
        super().__init__()
        self.namespace = namespace
        self.pod_name = name
        self.text = ""
        self.search = TextSearch()

    def compose(self) -> ComposeResult:
        yield Static(
            plain(f"describe pod {self.namespace}/{self.pod_name}", "bold"), id="describe-title"
        )
        with VerticalScroll(id="describe-scroll"):
            yield Static("loading…", id="describe")
        yield Input(placeholder="search (enter: find, n/N: next/previous)", id="describe-search")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#describe-scroll").focus()
        self.action_reload()

    @work(group="describe", exclusive=True, exit_on_error=False, description="describe a pod")
    async def action_reload(self) -> None:
        services = self.app.services
        body = self.query_one("#describe", Static)
        try:
            pod = await services.get_pod(self.namespace, self.pod_name)
            events = await services.pod_events(self.namespace, self.pod_name)
        except Exception as exc:
            from kdebug_tui.ui.common.errors import describe_error

            title, message, hint = describe_error(exc)
            text = Text(f"{title}\n{message}" + (f"\nHint: {hint}" if hint else ""), style="red")
            self.text = text.plain
            body.update(text)
            return
        self.text = describe_pod(pod, events, self.app.clock())
        if self.search.needle:
            self.search.search(self.text.split("\n"), self.search.needle)
        self._paint()

    def _paint(self) -> None:
        """The text with its invisible-character markers, or with the search's matches."""
        body = self.query_one("#describe", Static)
        if not self.search.needle:
            body.update(marked(self.text))
            return
        body.update(self.search.render(self.text.split("\n")))
        self.query_one("#describe-title", Static).update(
            plain(f"describe pod {self.namespace}/{self.pod_name}  {self.search.status()}", "bold")
        )

    @on(Input.Submitted, "#describe-search")
    def _searched(self, event: Input.Submitted) -> None:
        scroll = self.query_one("#describe-scroll", VerticalScroll)
        self.remove_class("-searching")
        scroll.focus()
        lines = self.text.split("\n")
        self._go(self.search.search(lines, event.value, start=int(scroll.scroll_y)))

    def _go(self, line: int | None) -> None:
        self._paint()
        if line is not None:
            scroll = self.query_one("#describe-scroll", VerticalScroll)
            scroll.scroll_to(y=max(0, line - 3), animate=False)
