"""Port-forwards: `F` asks for the ports of a pod or Service, `f` lists the active ones.

Listening is on 127.0.0.1 only (kube/portforward.py, the websocket port-forward protocol).
The app keeps one Forwards registry; quitting stops every forward (a cleanup hook).
A Service port is resolved to a ready pod and its container port, as kubectl does.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, Static

from kdebug_tui.kube.podfields import d, ds, n, s
from kdebug_tui.ui.common.base import ForwardWorkerErrors
from kdebug_tui.ui.common.safe_text import clean, plain

_REGISTRY = "_kdebug_port_forwards"


def forwards_of(app: Any) -> Any:
    """The app's one Forwards registry (created on first use, stopped when the app quits)."""
    forwards = getattr(app, _REGISTRY, None)
    if forwards is None:
        from kdebug_tui.kube.portforward import Forwards

        forwards = Forwards()
        setattr(app, _REGISTRY, forwards)
        hooks = getattr(app, "cleanup_hooks", None)
        if hooks is not None:
            hooks.append(forwards.stop_all)
        warnings = getattr(app, "quit_warnings", None)
        if warnings is not None:
            warnings.append(lambda: [f"port-forward {pf.label} stops" for pf in forwards.list()])
    return forwards


def ports_of(resource: str, obj: dict[str, Any]) -> list[int]:
    """The ports to offer: a Service's ports, a pod's declared container ports."""
    spec = d(obj.get("spec"))
    if resource == "services":
        return [n(p.get("port")) for p in ds(spec.get("ports")) if n(p.get("port"))]
    return [
        n(p.get("containerPort"))
        for c in ds(spec.get("containers"))
        for p in ds(c.get("ports"))
        if n(p.get("containerPort"))
    ]


def parse_port(text: str, *, allow_zero: bool) -> int | None:
    """A TCP port from the form; None when it is not one (the form says so)."""
    text = text.strip()
    if not text.isdigit():
        return None
    port = int(text)
    low = 0 if allow_zero else 1
    return port if low <= port <= 65535 else None


class PortForwardForm(ModalScreen[tuple[int, int] | None]):
    """Remote port and local port (empty or 0: any free one); answers (remote, local)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    DEFAULT_CSS = """
    PortForwardForm { align: center middle; }
    PortForwardForm > Vertical { width: 64; height: auto; border: round $accent; padding: 1 2; }
    PortForwardForm Input { margin-bottom: 1; }
    PortForwardForm #pf-error { color: $error; height: auto; }
    PortForwardForm Horizontal { height: auto; }
    """

    def __init__(self, target: str, ports: list[int]) -> None:
        super().__init__()
        self.target = target
        self.ports = ports

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(f"Port-forward to {self.target}", "bold"))
            offered = ", ".join(map(str, self.ports)) or "none declared"
            yield Label(plain(f"Remote port (declared: {offered})"))
            yield Input(str(self.ports[0]) if self.ports else "", id="pf-remote")
            yield Label("Local port on 127.0.0.1 (empty: any free port)")
            yield Input("", id="pf-local")
            yield Static("", id="pf-error", markup=False)
            with Horizontal():
                yield Button("Forward", variant="primary", id="pf-start")
                yield Button("Cancel", id="pf-cancel")

    def on_mount(self) -> None:
        self.query_one("#pf-remote", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#pf-start")
    def _submit(self) -> None:
        remote = parse_port(self.query_one("#pf-remote", Input).value, allow_zero=False)
        local_text = self.query_one("#pf-local", Input).value.strip() or "0"
        local = parse_port(local_text, allow_zero=True)
        error = self.query_one("#pf-error", Static)
        if remote is None:
            error.update("The remote port must be a number from 1 to 65535.")
            return
        if local is None:
            error.update("The local port must be a number from 0 to 65535 (0: any).")
            return
        self.dismiss((remote, local))

    @on(Button.Pressed, "#pf-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


def ask_port_forward(app: Any, resource: str, obj: dict[str, Any]) -> None:
    meta = d(obj.get("metadata"))
    target = f"{resource[:-1]} {s(meta.get('namespace'))}/{s(meta.get('name'))}"
    app.run_worker(
        _forward(app, resource, obj, target),
        group="resources-forward",
        exclusive=True,
        exit_on_error=False,
        description=f"port-forward to {target}",
    )


async def _forward(app: Any, resource: str, obj: dict[str, Any], target: str) -> None:
    ports = await app.push_screen_wait(PortForwardForm(target, ports_of(resource, obj)))
    if ports is None:
        return
    remote, local = ports
    meta = d(obj.get("metadata"))
    namespace, pod = s(meta.get("namespace")), s(meta.get("name"))
    session = app.services.session
    if resource == "services":
        from kdebug_tui.kube.portforward import service_target

        pod, remote = await service_target(session, obj, remote)
    pf = await forwards_of(app).start(session, namespace, pod, remote, local)
    app.notify(f"Forwarding {pf.label} (f: list, x: stop)", timeout=6)


class ForwardsScreen(ForwardWorkerErrors, Screen[None]):
    """The active port-forwards; `x` stops the selected one."""

    app: Any

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("x,ctrl+d,delete", "stop", "Stop"),
    ]

    DEFAULT_CSS = """
    ForwardsScreen #forwards-title { height: 1; background: $panel; padding: 0 1; }
    ForwardsScreen DataTable { height: 1fr; }
    """

    HEADERS = ("LOCAL", "TARGET", "CONNECTIONS", "OPEN", "LAST ERROR")

    def compose(self) -> ComposeResult:
        yield Static(plain("Port-forwards (127.0.0.1)", "bold"), id="forwards-title")
        yield DataTable(id="forwards-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*self.HEADERS)
        self.refresh_rows()
        self.set_interval(1.0, self.refresh_rows)
        table.focus()

    def forwards(self) -> list[Any]:
        return list(forwards_of(self.app).list())

    def refresh_rows(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for pf in self.forwards():
            table.add_row(
                f"127.0.0.1:{pf.local_port}",
                Text(clean(f"{pf.namespace}/{pf.pod}:{pf.remote_port}", 120)),
                str(pf.connections),
                str(pf.active),
                Text(clean(pf.last_error or "", 120)),
            )
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1), animate=False)

    def action_stop(self) -> None:
        table = self.query_one(DataTable)
        live = self.forwards()
        if not live or not 0 <= table.cursor_row < len(live):
            self.app.notify("No port-forward selected.", severity="warning", timeout=3)
            return
        pf = live[table.cursor_row]

        async def stop() -> None:
            await forwards_of(self.app).stop(pf)
            self.refresh_rows()
            self.app.notify(f"Stopped {pf.label}", timeout=3)

        self.run_worker(stop(), group="forward-stop", exit_on_error=False)
