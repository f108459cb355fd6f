"""`s`: a shell in an app container, in a sessions pane like the debug shells.

First a short probe (kube/shell.find_shell): a container without `sh` (distroless) gets a
dialog saying so, where `d` opens the debug form for that container, instead of a pane
that would only show an exec error.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from kdebug_tui.ui.common.safe_text import plain
from kdebug_tui.ui.resources.model import app_containers, ident


class NoShellScreen(ModalScreen[bool]):
    """The container has no shell: `d` for a debug container, esc to go back."""

    BINDINGS = [
        Binding("d", "debug", "Debug container"),
        Binding("escape,q", "dismiss(False)", "Back"),
    ]

    DEFAULT_CSS = """
    NoShellScreen { align: center middle; }
    NoShellScreen > Vertical { width: 70; height: auto; border: round $warning; padding: 1 2; }
    """

    def __init__(self, message: str, detail: str) -> None:
        super().__init__()
        self.message = message
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.message, "bold"), id="noshell-message")
            yield Static(plain(self.detail, "dim", 300))
            yield Static(plain("d: start a debug container with a shell · esc: back"))

    def action_debug(self) -> None:
        self.dismiss(True)


def open_shell(app: Any, pod: dict[str, Any], container: str | None = None) -> None:
    names = app_containers(pod)
    chosen = container or (names[0] if names else "")
    if not chosen:
        app.notify("This pod has no containers.", severity="warning")
        return
    app.run_worker(
        _shell(app, pod, chosen),
        group="resources-shell",
        exclusive=True,
        exit_on_error=False,
        description=f"open a shell in {chosen}",
    )


async def _shell(app: Any, pod: dict[str, Any], container: str) -> None:
    from kdebug_tui.kube.shell import NoShell, find_shell

    namespace, name = ident(pod)
    found = await find_shell(app.services.session, namespace, name, container)
    if isinstance(found, NoShell):
        wants_debug = await app.push_screen_wait(
            NoShellScreen(f"{found.message}.", found.detail or found.hint)
        )
        if wants_debug:
            from kdebug_tui.ui.debug.form import DebugFormScreen

            full = await app.services.get_pod(namespace, name)
            app.push_screen(DebugFormScreen(pod=full, container=container, mode="ephemeral"))
        return
    await _open_pane(app, namespace, name, container)


async def _open_pane(app: Any, namespace: str, pod: str, container: str) -> None:
    from kdebug_tui.kube.shell import ShellSession
    from kdebug_tui.ui.sessions.actions import show_sessions
    from kdebug_tui.ui.sessions.pane import PaneTarget
    from kdebug_tui.ui.sessions.pane_actions import context_of

    screen = await show_sessions(app)
    target = PaneTarget(context_of(app), namespace, pod, container, kind="exec")
    pane = await screen.open_pane(target)

    async def flow() -> None:
        await pane.show_terminal(ShellSession(app.services.session, namespace, pod, container))

    screen.run_flow(pane, flow, f"shell in {pod}/{container}")
