"""KdebugApp: the shell. Holds the cluster services, routes errors, owns quitting.

Startup: the pods screen paints first; `ClusterServices.connect()` (which imports the
Kubernetes client) runs in a worker started on mount. Any failed worker anywhere becomes a
plain-text notification through `on_worker_state_changed`, never a traceback.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from kdebug_tui.config import Settings
from kdebug_tui.ui.cluster.services import ClusterServices
from kdebug_tui.ui.common.errors import describe_error, error_snippet
from kdebug_tui.ui.common.messages import ClusterChanged
from kdebug_tui.ui.common.safe_text import clean, truncate
from kdebug_tui.ui.launch.options import LaunchOptions

NOTIFY_LIMIT = 400


class KdebugApp(App[None]):
    """kdebug-tui: pods browser, debug form, sessions; connected through `services`."""

    CSS_PATH = Path(__file__).parent / "app.tcss"  # absolute: subclasses live elsewhere
    TITLE = "kdebug-tui"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        # Not priority: a focused terminal pane keeps ctrl+p (shell history) for itself.
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.palette"),
        Binding(
            "colon",
            "resources",
            "Resources",
            tooltip=":deploy, :no, :svc, :ev...",
            id="app.resources",
        ),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("2,ctrl+t", "show_sessions", "Sessions", id="app.sessions"),
        Binding("q", "request_quit", "Quit", id="app.quit"),
        # Textual's ctrl+q would quit without asking about open sessions and debug pods.
        Binding("ctrl+q", "request_quit", "Quit", show=False, priority=True, id="app.ctrl_q"),
        Binding("ctrl+e", "last_error", "Last error in full", show=False, id="app.last_error"),
    ]

    def __init__(
        self,
        options: LaunchOptions | None = None,
        settings: Settings | None = None,
        *,
        clock: Callable[[], float] = time.time,
        services: ClusterServices | None = None,
        connect: bool = True,
    ) -> None:
        super().__init__()
        self.options = options or LaunchOptions()
        self.settings = settings or Settings()
        self.clock = clock
        self.services = services or ClusterServices(self, self.options, self.settings)
        self._connect_on_mount = connect
        # UI-2 (sessions/cleanup) registers here; see CONTRACTS.md section 4.
        self.quit_warnings: list[Callable[[], list[str]]] = []
        self.cleanup_hooks: list[Callable[[], Awaitable[None]]] = []
        self.startup_error: str | None = None

    # ---- lifecycle ----------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        from kdebug_tui.ui.pods.screen import PodsScreen

        return PodsScreen()

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.update_keymap(self.settings.keymap)
        if self.options.demo:
            self.sub_title = "kdebug sandbox (not a Kubernetes cluster)"
        # After the first frame: both import the Kubernetes client (~0.8 s).
        self.call_after_refresh(self._install_sessions)
        self.call_after_refresh(self._expire_recordings)
        if self._connect_on_mount:
            self.call_after_refresh(self._connect)

    def _install_sessions(self) -> None:
        """UI-2's quit warnings and cleanup hooks (CONTRACTS.md section 4)."""
        try:
            from kdebug_tui.ui.sessions import actions as session_actions
        except ImportError:
            return
        session_actions.install(self)

    def _expire_recordings(self) -> None:
        """Old session recordings go (config recording_keep_days), in a thread."""
        from kdebug_tui.ui.sessions.recording import tidy_at_start

        tidy_at_start(self)

    @work(
        group="connect", exclusive=True, exit_on_error=False, description="connect to the cluster"
    )
    async def _connect(self) -> None:
        try:
            await self.services.connect()
        except Exception as exc:
            title, message, hint = describe_error(exc)
            text = f"{title}: {message}" + (f"\nHint: {hint}" if hint else "")
            self.startup_error = text
            await self.services.close()
            # Configuration problems: leave the full screen and say it plainly; exit code 1.
            self.exit(return_code=1, message=f"kdebug-tui: cannot connect. {text}")
            return
        if self.options.prefill is not None:
            self.open_prefilled_debug()

    async def on_unmount(self) -> None:
        await self.services.close()

    def on_cluster_changed(self, message: ClusterChanged) -> None:
        ns = message.ns or "all namespaces"
        prefix = "SANDBOX · " if self.services.is_sandbox else ""
        self.sub_title = f"{prefix}{message.context} · {ns}"

    async def on_event(self, event: events.Event) -> None:
        # From a debug submit until the new shell is live, keys queue for it in order
        # (ui/sessions/typeahead.py) instead of landing wherever the focus is that instant.
        ahead = getattr(self, "_kdebug_typeahead", None)
        if ahead is not None and isinstance(event, events.Key) and ahead.take(event):
            return
        await super().on_event(event)

    async def _check_bindings(self, key: str, priority: bool = False) -> bool:
        """No binding, not even a priority one (ctrl+q), takes a key from a terminal that has
        the keyboard: the program gets every key, and the prefix key is the only way out
        (ui/sessions/terminal/prefix.py)."""
        if priority and getattr(self.focused, "holds_keyboard", False):
            return False
        return await super()._check_bindings(key, priority)

    # ---- errors -------------------------------------------------------------------------

    def notify_error(self, error: BaseException | str, *, title: str | None = None) -> None:
        """Show an error as plain text: KubeError title + message + hint; cut, full on demand."""
        if isinstance(error, str):
            err_title, message, hint = title or "Error", clean(error, multiline=True), None
        else:
            err_title, message, hint = describe_error(error)
            err_title = title or err_title
        body = message + (f"\nHint: {hint}" if hint else "")
        short = truncate(body, NOTIFY_LIMIT)
        if len(body) > NOTIFY_LIMIT:
            short += "\n(press ctrl+e for the full text)"
        snippet = None if isinstance(error, str) else error_snippet(error)
        if snippet:
            short += "\n(ctrl+e: the Role that would allow it, to copy)"
        self._last_error: tuple[str, str, str | None, str | None] | None = (
            err_title,
            message,
            hint,
            snippet,
        )
        self.notify(short, title=err_title, severity="error", timeout=8, markup=False)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: messages often carry cluster text (names, states,
        termination messages), so markup is never interpreted and control characters go."""
        super().notify(
            clean(message, multiline=True),
            title=clean(title, 200),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def show_error(self, error: BaseException | str, *, title: str | None = None) -> None:
        """The error in a dialog (for errors that block what the user asked for)."""
        from kdebug_tui.ui.common.error_screen import ErrorScreen

        if isinstance(error, str):
            self.push_screen(ErrorScreen(title or "Error", error))
        else:
            err_title, message, hint = describe_error(error)
            self.push_screen(ErrorScreen(title or err_title, message, hint, error_snippet(error)))

    def action_last_error(self) -> None:
        last = getattr(self, "_last_error", None)
        if last:
            from kdebug_tui.ui.common.error_screen import ErrorScreen

            self.push_screen(ErrorScreen(*last))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker turns into something the user can read."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify_error(event.worker.error)

    # ---- navigation ---------------------------------------------------------------------

    def action_help(self) -> None:
        from kdebug_tui.ui.common.help import HelpScreen, collect_entries

        if type(self.screen).__name__ == "HelpScreen":
            return
        entries = collect_entries(dict(self.screen.active_bindings))
        name = self.screen.__class__.__name__.removesuffix("Screen").lower()
        self.push_screen(HelpScreen(entries, title=f"Keys · {name}"))

    def show_sessions(self) -> None:
        """Open UI-2's sessions screen (installed once as "sessions")."""
        try:
            from kdebug_tui.ui.sessions.actions import show_sessions
        except ImportError:
            self.notify("The sessions screen is not available yet.", severity="warning")
            return
        self.run_worker(show_sessions(self), group="show-sessions", exit_on_error=False)

    def action_show_sessions(self) -> None:
        self.show_sessions()

    def action_resources(self) -> None:
        """`:` - the resource prompt; the app wires it, the list lives in ui/resources."""
        from kdebug_tui.ui.resources.prompt import ask_resource

        if type(self.screen).__name__ != "ResourcePrompt":
            ask_resource(self)

    def open_prefilled_debug(self) -> None:
        from kdebug_tui.ui.launch.plugin_flow import open_prefilled_debug

        open_prefilled_debug(self)

    # ---- quitting -----------------------------------------------------------------------

    def before_quit(self) -> list[str]:
        """What would be left behind (open sessions, debug pods to clean up), one line each."""
        lines: list[str] = []
        for check in self.quit_warnings:
            try:
                lines.extend(check())
            except Exception as exc:
                lines.append(f"(could not check: {clean(exc, 100)})")
        return lines

    def action_request_quit(self) -> None:
        self._quit_flow()

    @work(group="quit", exclusive=True, exit_on_error=False, description="quit")
    async def _quit_flow(self) -> None:
        warnings = self.before_quit()
        if warnings:
            from kdebug_tui.ui.common.confirm import ConfirmScreen

            ok = await self.push_screen_wait(
                ConfirmScreen("Quit kdebug-tui?", warnings, yes_label="Quit", no_label="Stay")
            )
            if not ok:
                return
        for hook in self.cleanup_hooks:
            try:
                await hook()
            except Exception as exc:
                self.notify_error(exc, title="Cleanup failed")
        self.exit()

    # ---- command palette ----------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every described binding of the current screen and app, plus Textual's own."""
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if (
                not binding.description
                or binding.action in seen
                or binding.action == "command_palette"
            ):
                continue
            seen.add(binding.action)
            yield SystemCommand(
                binding.tooltip or binding.description,
                f"key: {key}",
                partial(self._run_from_palette, active.node, binding.action),
            )
        yield SystemCommand("Show the last error in full", "key: ctrl+e", self.action_last_error)
        from kdebug_tui.ui.resources.prompt import open_resources, palette_entries

        for title, word in palette_entries():
            yield SystemCommand(title, f":{word}", partial(open_resources, self, word))
        yield from super().get_system_commands(screen)

    def _run_from_palette(self, node: Any, action: str) -> None:
        self.call_later(self.run_action, action, node)

    def save_screenshot_to(self, path: Path) -> str:
        return self.save_screenshot(filename=path.name, path=str(path.parent))
