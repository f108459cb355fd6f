"""One pane of the sessions screen: progress first, then a terminal, or logs with an exit code.

A pane is the frame around one debug or attach session. It shows, in turn: the container's
state as it changes while we wait for it (each waiting reason and message), then the
TerminalView on the attach stream, or -- when the container terminated at once or has no
stdin/tty -- its logs under the exit code and reason. When the stream drops the terminal stays
mounted (screen and scrollback are kept) and the pane offers reattach.

The pane never talks to the cluster: the sessions screen runs the flows and calls the
`show_*` methods; the pane posts messages when the user asks for something.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Log, Static

from kdebug_tui.ui.common.safe_text import clean
from kdebug_tui.ui.sessions import typeahead
from kdebug_tui.ui.sessions.terminal.prefix import key_label, prefix_key
from kdebug_tui.ui.sessions.terminal.view import TerminalView

if TYPE_CHECKING:
    from kdebug_tui.term.backend import BackendExit, TerminalBackend

ACTION_LABELS = {
    "cancel": "Cancel (c)",
    "reattach": "Reattach (r)",
    "logs": "Logs (l)",
    "close": "Close (x)",
}
MAX_PROGRESS_LINES = 200
PaneKind = Literal["ephemeral", "copy", "node", "attach", "exec", "logs"]
PaneState = Literal["starting", "waiting", "terminal", "dropped", "ended", "logs", "failed"]


@dataclass(frozen=True)
class PaneTarget:
    """What a pane is connected to; `owned_pod` marks copy and node pods this app created."""

    context: str
    namespace: str
    pod: str
    container: str
    kind: PaneKind = "attach"
    owned_pod: bool = False
    node: str | None = None

    @property
    def title(self) -> str:
        """pod/container first: a narrow pane still says which shell it is (the context,
        the same for most panes, comes last and is in the app's header too)."""
        suffix = {"exec": " (shell)", "logs": " (logs)"}.get(self.kind, "")
        return f"{self.pod}/{self.container}{suffix} · {self.namespace} · {self.context}"


class SessionPane(Vertical, can_focus=True):
    """A focusable frame: when its terminal releases focus, the frame holds it."""

    DEFAULT_CSS = """
    SessionPane { border: round $panel; padding: 0; }
    SessionPane.-selected { border: round $accent; }
    SessionPane:focus { border: double $accent; }
    SessionPane.-dropped, SessionPane.-failed { border: round $error; }
    SessionPane.-selected.-dropped { border: double $error; }
    SessionPane > #pane-status { height: auto; max-height: 3; color: $text-muted; }
    SessionPane > #pane-progress, SessionPane > #pane-logs { height: 1fr; }
    SessionPane > #pane-actions { height: auto; display: none; }
    SessionPane.-has-actions > #pane-actions { display: block; }
    SessionPane #pane-actions Button { min-width: 10; height: 1; border: none; margin-right: 1; }
    SessionPane > TerminalView { height: 1fr; }
    """

    class Action(Message):
        """The user asked for `action` ("cancel", "reattach", "logs", "close") on a pane."""

        def __init__(self, pane: SessionPane, action: str) -> None:
            super().__init__()
            self.pane = pane
            self.action = action

    class Ended(Message):
        """The pane's terminal stream ended (exited, dropped or closed)."""

        def __init__(self, pane: SessionPane, exit: BackendExit | None) -> None:
            super().__init__()
            self.pane = pane
            self.exit = exit

    def __init__(self, target: PaneTarget, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.target = target
        self.state: PaneState = "starting"
        self.terminal: TerminalView | None = None
        self.progress_lines: list[str] = []
        self.last_exit: BackendExit | None = None
        self._actions: list[str] = []
        # Work started for this pane before it existed (the wait and connect after inject):
        # anything with an async close(), closed when the pane goes away.
        self.owned: list[Any] = []
        # `kubectl kdebug -it`: the app ends with this pane's shell (exit code, last screen)
        self.exit_app_with_shell = False
        self.border_title = Text(clean(target.title, 120))  # Text: never parsed as markup

    def compose(self) -> ComposeResult:
        yield Static("", id="pane-status")
        # A Static, not a Log: waiting messages (the kubelet's pull errors) are long and must
        # wrap; there are only ever a few of them.
        yield Static("", id="pane-progress", markup=False)
        # The buttons are made on first use: a pane that goes straight to its shell (the
        # common case) never pays for them.
        yield Horizontal(id="pane-actions")

    # --- what the screen calls -----------------------------------------------------------

    def set_status(self, text: str, *, style: str = "") -> None:
        status = self.query_one("#pane-status", Static)
        status.update(Text(clean(text, 400), style=style))
        status.display = True
        self.border_subtitle = Text(clean(text, 60))

    def show_progress(self, line: str) -> None:
        """Add one state-change line (deduplicated against the previous one)."""
        line = clean(line, 500)
        if self.progress_lines and self.progress_lines[-1] == line:
            return
        self.progress_lines.append(line)
        self.state = "waiting"
        if self.terminal is None:
            self._show_progress_lines()

    def _show_progress_lines(self) -> None:
        text = "\n".join(self.progress_lines[-MAX_PROGRESS_LINES:])
        self.query_one("#pane-progress", Static).update(Text(text))

    def set_actions(self, actions: list[str]) -> None:
        """Show only these buttons under the pane (the keys c/r/l/x work from the frame)."""
        if actions == self._actions:
            return
        self._actions = list(actions)
        bar = self.query_one("#pane-actions", Horizontal)
        if actions and not bar.children:
            buttons = []
            for action, label in ACTION_LABELS.items():
                button = Button(label, name=action, compact=True)
                button.can_focus = False
                buttons.append(button)
            bar.mount_all(buttons)
            for button in buttons:
                button.display = button.name in actions
        else:
            for button in bar.query(Button):
                button.display = button.name in actions
        self.set_class(bool(actions), "-has-actions")

    async def show_terminal(self, backend: TerminalBackend) -> None:
        """Open (or, after a drop, restart) the terminal on `backend`."""
        self.remove_class("-dropped", "-failed")
        self.set_actions([])
        if self.terminal is not None:
            await self.terminal.restart(backend)
        else:
            # Hide (not remove) the progress lines: cheaper, and nothing to re-create.
            self.query_one("#pane-progress", Static).display = False
            await self.query("#pane-logs").remove()
            view = TerminalView(backend, clean(self.target.title, 120))
            self.terminal = view
            from kdebug_tui.ui.sessions.pane_hooks import terminal_opened

            terminal_opened(self, view)  # recording + broadcast, before any output is read
            await self.mount(view, after=self.query_one("#pane-status"))
        self.state = "terminal"
        self.set_status(f"attached to {self.target.container}")
        # The terminal's own title line says the same: no status line while it is live.
        self.query_one("#pane-status", Static).display = False
        if self.target.kind != "exec":  # an attached tty's output is the container's log
            self.border_subtitle = "what you type is recorded in the container's logs"
        if self.has_focus:  # the pane the user is looking at: type straight into it
            self.terminal.focus()
        typeahead.pane_ready(self)  # keys typed since the submit, in order

    def focus_terminal(self) -> bool:
        if self.terminal is not None and self.state == "terminal":
            self.terminal.focus()
            return True
        return False

    async def show_logs(self, header: str, *, state: PaneState = "logs") -> Log:
        """Replace the body with a log view whose first line is `header`; returns the view."""
        self.query_one("#pane-progress", Static).display = False
        await self.query("#pane-logs").remove()
        if self.terminal is not None:
            await self.terminal.remove()
            self.terminal = None
        log = Log(id="pane-logs", max_lines=20_000, highlight=False)
        log.can_focus = False
        await self.mount(log, after=self.query_one("#pane-status"))
        log.write(clean(header, 500) + "\n")  # write_line leaves no open line: the logs' first
        # chunk would run on after the header on the same line
        self.state = state
        typeahead.pane_failed(self, "the session shows logs, not a shell")
        return log

    def append_log_text(self, text: str) -> None:
        views = self.query("#pane-logs")
        if views:
            views.first(Log).write(clean(text, None, multiline=True))

    def mark_failed(self, message: str) -> None:
        typeahead.pane_failed(self, "the session has no shell")
        self.state = "failed"
        self.add_class("-failed")
        self.set_status(message, style="bold red")
        if self.terminal is None and self.query_one("#pane-progress", Static).display:
            self.progress_lines.append(clean(message, 500))
            self._show_progress_lines()

    def mark_dropped(self, exit: BackendExit | None) -> None:
        self.last_exit = exit
        text = exit.describe() if exit is not None else "the stream ended"
        self.set_actions(["reattach", "logs", "close"])
        prefix = key_label(prefix_key(self.app))
        keys = f"{prefix} r: reattach, {prefix} x: close (typing here is not sent)"
        if exit is not None and exit.reason == "exited":
            self.state = "ended"
            self.set_status(f"session ended ({text}); {keys}")
        else:
            self.state = "dropped"
            self.add_class("-dropped")
            self.set_status(f"connection lost ({text}); {keys}", style="red")

    # --- events --------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.name:
            self.post_message(self.Action(self, event.button.name))

    async def on_unmount(self) -> None:
        for resource in self.owned:
            with contextlib.suppress(Exception):
                await resource.close()
        self.owned.clear()

    def on_click(self) -> None:
        if self.terminal is None or not self.terminal.has_focus:
            self.focus()

    def on_terminal_view_release_focus(self, event: TerminalView.ReleaseFocus) -> None:
        """Prefix then a key in the terminal: the frame takes the focus and that key acts
        there, as typed on the frame (a pane key, or an app key such as `:` or `q`)."""
        event.stop()
        self.focus()
        if event.key:
            # Queued after the focus change (both go through the app's queue, in order).
            self.app.post_message(events.Key(event.key, event.character))

    def on_terminal_view_exited(self, event: Message) -> None:
        event.stop()
        if getattr(event, "view", None) is not self.terminal:
            return
        exit_ = getattr(event, "exit", None)
        self.mark_dropped(exit_)
        self.post_message(self.Ended(self, exit_))

    def holds_content(self) -> bool:
        """Something the user could want to read again: a terminal that showed output, or
        logs."""
        if self.query("#pane-logs"):
            return True
        return self.terminal is not None and not self.terminal_is_blank()

    def last_screen(self) -> str:
        """The terminal's rows down to the last one with text, for the user's scrollback
        after the app has gone (as kubectl debug leaves the session's output there)."""
        if self.terminal is None:
            return ""
        from kdebug_tui.ui.sessions.recording import NOTICE_PREFIX  # our line, not output

        rows = [line.rstrip() for line in self.terminal.emulator.display]
        rows = [row for row in rows if not row.startswith(NOTICE_PREFIX)]
        while rows and not rows[-1]:
            rows.pop()
        while rows and not rows[0]:
            rows.pop(0)
        return "\n".join(rows)

    def terminal_is_blank(self) -> bool:
        """Nothing but the exit line was ever shown (the program ended before output)."""
        if self.terminal is None:
            return True
        emulator = self.terminal.emulator
        if emulator.scrollback_lines:
            return False
        from kdebug_tui.ui.sessions.recording import NOTICE_PREFIX  # our line, not output

        shown = [line for line in emulator.display if line.strip()]
        shown = [line for line in shown if not line.startswith(NOTICE_PREFIX)]
        return len(shown) <= 1

    def screen_text(self) -> str:
        """What the pane shows now, as plain text (for tests and the benchmark)."""
        # Queries, not query_one: a pane is listed by the sessions screen before its children
        # are mounted, and a caller polling it then must get "" rather than NoMatches.
        parts = [str(status.render()) for status in self.query("#pane-status") if status.display]
        if any(progress.display for progress in self.query("#pane-progress")):
            parts.extend(self.progress_lines)
        if self.terminal is not None:
            parts.extend(self.terminal.screen_lines())
        for log in self.query(Log):
            if log.display:
                parts.extend(log.lines)
        return "\n".join(parts)
