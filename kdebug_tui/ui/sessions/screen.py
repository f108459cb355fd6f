"""The sessions screen: debug and attach sessions in split terminal panes.

Keys act on the selected pane when no terminal has the focus (a focused terminal gets every
key; the prefix key, ctrl+\\ by default, then a key runs that key here): `|` split beside and
`-` below (a new shell in the same container), `x` close, arrows and tab move between panes,
`z` zoom,
`r` reattach after a drop, `enter` type into the pane's terminal, `c` cancel a wait,
`l` show logs, `D` review debug pods for deletion, `escape` back to the pod list.
Triage (extras.py): `b` broadcast this pane's input (`B` all panes, `ctrl+b` off),
`S` stop a stoppable debugger, `E` export the pane's incident record.

The screen runs every cluster conversation of its panes as workers (one exclusive group per
pane, see `flows.py`); panes only display.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from kdebug_tui.ui.sessions.cleanup import CleanupRegistry
from kdebug_tui.ui.sessions.extras import BROADCAST_CSS, SessionExtrasMixin
from kdebug_tui.ui.sessions.pane import PaneTarget, SessionPane
from kdebug_tui.ui.sessions.pane_actions import (
    offer_cleanup,
    open_shell_beside,
    reattach,
    show_logs,
)
from kdebug_tui.ui.sessions.pane_grid import Direction, PaneGrid

_EMPTY = (
    "No sessions yet.\n\n"
    "On the pod list, press d to debug a pod (ephemeral container, copy or node)\n"
    "or a to attach to a running container. Sessions open here in split panes."
)


# `? help` and `esc pods` first: at the end they were cut off even at 140 columns, and at
# 80 nothing after "r" shows, so a user had no hint of where the rest of the keys are.
_KEYS = (
    " ? help  esc pods  |/- split  x close  ←↑↓→/tab move  z zoom  enter type  ctrl+\\ prefix"
    "  r reattach  c cancel  l logs  b broadcast  S stop  E export  f files  D debug pods"
)


class SessionsScreen(SessionExtrasMixin, Screen[None]):
    """Installed once by the app under the name "sessions"; keeps its panes across visits."""

    KEY_HINTS = _KEYS  # SessionExtrasMixin shows the broadcast state in front of it

    DEFAULT_CSS = (
        """
    SessionsScreen #sessions-empty { width: 1fr; height: 1fr; content-align: center middle;
        color: $text-muted; }
    SessionsScreen.-has-panes #sessions-empty { display: none; }
    SessionsScreen #sessions-keys { dock: bottom; height: 1; background: $footer-background;
        color: $footer-foreground; }
    SessionsScreen #sessions-keys.-broadcasting { color: $warning; }
    """
        + BROADCAST_CSS
    )

    BINDINGS = [
        Binding("vertical_line", "split(True)", "Split |"),
        Binding("minus", "split(False)", "Split -"),
        Binding("x", "close_pane", "Close"),
        Binding("z", "zoom", "Zoom"),
        Binding("r", "reattach", "Reattach"),
        Binding("enter", "focus_terminal", "Type"),
        Binding("c", "cancel", "Cancel wait"),
        Binding("l", "logs", "Logs"),
        Binding("D", "cleanup", "Delete debug pods"),
        Binding("f", "files", "Files", tooltip="Browse the debug target's files"),
        Binding("b", "broadcast_toggle", "Broadcast: toggle pane"),
        Binding("B", "broadcast_all", "Broadcast: all panes", show=False),
        Binding("ctrl+b", "broadcast_off", "Broadcast: off", show=False),
        Binding("S", "stop_debugger", "Stop debugger"),
        Binding("E", "export_incident", "Export incident record"),
        Binding("left", "move('left')", "←", show=False),
        Binding("right", "move('right')", "→", show=False),
        Binding("up", "move('up')", "↑", show=False),
        Binding("down", "move('down')", "↓", show=False),
        Binding("tab", "cycle(1)", "Next pane", show=False),
        Binding("shift+tab", "cycle(-1)", "Previous pane", show=False),
        Binding("escape", "back", "Pods"),
        # Scrollback with the keyboard on the frame (released, zoomed or not), as in the
        # terminal itself.
        Binding("shift+pageup,pageup", "scroll_back(-1)", "Scroll back", show=False),
        Binding("shift+pagedown,pagedown", "scroll_back(1)", "Scroll forward", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.cleanup = CleanupRegistry()
        self._ids = itertools.count(1)

    def compose(self) -> ComposeResult:
        yield Static(_EMPTY, id="sessions-empty")
        yield PaneGrid(id="panes")
        # A fixed hint line, not a Footer: a Footer rebuilds its keys on every focus change,
        # which costs tens of milliseconds per change here, where focus moves a lot.
        yield Static(_KEYS, id="sessions-keys", markup=False)

    @property
    def grid(self) -> PaneGrid:
        return self.query_one("#panes", PaneGrid)

    @property
    def panes(self) -> list[SessionPane]:
        """Open panes in reading order ([] before the screen was first shown)."""
        grids = self.query("#panes")
        if not grids:
            return []
        return [p for p in grids.first(PaneGrid).panes if isinstance(p, SessionPane)]

    @property
    def selected(self) -> SessionPane | None:
        grids = self.query("#panes")
        pane = grids.first(PaneGrid).selected if grids else None
        return pane if isinstance(pane, SessionPane) else None

    @property
    def services(self) -> Any:
        return getattr(self.app, "services", None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Read-only mode: no new shells (split), no re-attaching (stdin is a write), no stop."""
        readonly = bool(getattr(self.services, "readonly", False))
        return not (readonly and action in ("split", "reattach", "stop_debugger"))

    # --- opening panes and running their flows -------------------------------------------

    async def open_pane(
        self, target: PaneTarget, *, next_to: SessionPane | None = None, beside: bool | None = None
    ) -> SessionPane:
        pane = SessionPane(target, id=f"pane-{next(self._ids)}")
        await self.grid.add_pane(pane, next_to=next_to, beside=beside)
        self.add_class("-has-panes")
        pane.focus()
        return pane

    def run_flow(
        self, pane: SessionPane, flow: Callable[[], Awaitable[None]], description: str
    ) -> Worker[None]:
        """Run `flow` for `pane`; a new flow for the same pane replaces the previous one."""
        return self.run_worker(
            flow(),
            group=f"flow-{pane.id}",
            exclusive=True,
            exit_on_error=False,
            name=pane.id,
            description=description,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A flow that crashed must not leave its pane spinning: say so in the pane."""
        if event.state != WorkerState.ERROR or not (event.worker.group or "").startswith("flow-"):
            return
        pane = next((p for p in self.panes if p.id == event.worker.name), None)
        if pane is not None:
            error = event.worker.error
            text = getattr(error, "describe", lambda: f"{type(error).__name__}: {error}")()
            pane.mark_failed(f"failed: {text}")

    # --- pane events ---------------------------------------------------------------------

    def on_descendant_focus(self, event: Any) -> None:
        node = event.widget if hasattr(event, "widget") else None
        while node is not None and not isinstance(node, SessionPane):
            node = node.parent
        if isinstance(node, SessionPane) and node is not self.grid.selected:
            self.grid.select(node)

    @on(SessionPane.Action)
    def _pane_action(self, event: SessionPane.Action) -> None:
        self.grid.select(event.pane)
        actions: dict[str, Callable[[], Any]] = {
            "cancel": self.action_cancel,
            "reattach": self.action_reattach,
            "logs": self.action_logs,
            "close": self.action_close_pane,
            "delete": lambda: self._offer_delete(event.pane),
        }
        handler = actions.get(event.action)
        if handler is not None:
            handler()

    @on(SessionPane.Ended)
    def _pane_ended(self, event: SessionPane.Ended) -> None:
        from kdebug_tui.ui.sessions import flows

        pane = event.pane
        exit_ = event.exit
        if pane.exit_app_with_shell and exit_ is not None and exit_.reason == "exited":
            last = pane.last_screen()  # a Text: container output is never read as markup
            self.app.exit(return_code=exit_.code or 0, message=Text(last) if last else None)
            return
        # A terminal that had the keyboard keeps it once dead: what is typed on is swallowed
        # there with a hint, never left to the frame's one-key bindings (x close, l logs).
        if self.focused is None or not self.focused.is_attached:
            (pane.terminal or pane).focus()
        if pane.target.kind not in ("exec", "logs"):
            self.run_flow(pane, lambda: flows.ended_flow(self.app, pane), "how it ended")
        if event.exit is None or event.exit.reason == "exited":  # not after a mere drop
            self._offer_delete(pane)

    def _offer_delete(self, pane: SessionPane) -> None:
        if pane.target.owned_pod:
            offer_cleanup(self.app, only_pods={(pane.target.namespace, pane.target.pod)})

    # --- actions -------------------------------------------------------------------------

    def _pane_or_warn(self) -> SessionPane | None:
        pane = self.selected
        if pane is None:
            self.notify("No session pane is selected.", severity="warning")
        return pane

    def action_split(self, beside: bool) -> None:
        pane = self._pane_or_warn()
        if pane is not None:
            open_shell_beside(self.app, pane, beside=beside)

    async def action_close_pane(self) -> None:
        """Close the selected pane; one that holds a screen or logs is asked about first
        (its screen and scrollback cannot be brought back)."""
        from kdebug_tui.ui.common.confirm import ConfirmScreen

        pane = self._pane_or_warn()
        if pane is None:
            return
        if pane.holds_content():
            target = pane.target
            lines = [
                f"{target.pod}/{target.container} ({target.namespace}, {target.context}):",
                "its screen and scrollback go"
                + (", and its shell ends." if pane.state == "terminal" else "."),
            ]

            async def answered(ok: bool | None) -> None:
                if ok and pane.is_attached:
                    await self._close(pane)

            self.app.push_screen(
                ConfirmScreen("Close this pane?", lines, yes_label="Close", no_label="Keep"),
                answered,
            )
            return
        await self._close(pane)

    async def _close(self, pane: SessionPane) -> None:
        self.workers.cancel_group(self, f"flow-{pane.id}")
        self._offer_delete(pane)
        self.broadcast.forget(pane)
        await self.grid.remove_pane(pane)
        self.set_class(bool(self.panes), "-has-panes")
        if self.selected is not None:
            self.selected.focus()

    def action_scroll_back(self, direction: int) -> None:
        pane = self.selected
        view = pane.terminal if pane is not None else None
        if view is not None:
            view.scroll_lines(direction * max(1, view.size.height - 2))

    def action_zoom(self) -> None:
        self.grid.toggle_zoom()

    def action_move(self, direction: Direction) -> None:
        pane = self.selected
        if pane is None:
            return
        other = self.grid.neighbour(pane, direction)
        if other is not None:
            self.grid.select(other)
            other.focus()

    def action_cycle(self, step: int) -> None:
        pane = self.grid.cycle(step)
        if pane is not None:
            pane.focus()

    def action_focus_terminal(self) -> None:
        pane = self.selected
        if pane is not None and not pane.focus_terminal():
            self.notify("This pane has no live terminal (r reattaches, l shows logs).")

    def action_reattach(self) -> None:
        pane = self._pane_or_warn()
        if pane is not None:
            reattach(self.app, pane)

    def action_cancel(self) -> None:
        from kdebug_tui.ui.sessions.flows import cancel_message

        pane = self._pane_or_warn()
        if pane is None or pane.state not in ("starting", "waiting"):
            return
        self.workers.cancel_group(self, f"flow-{pane.id}")
        pane.mark_failed(cancel_message(pane.target))
        pane.set_actions(["reattach", "close"])

    def action_logs(self) -> None:
        pane = self._pane_or_warn()
        if pane is not None:
            show_logs(self.app, pane)

    def action_files(self) -> None:
        """The file browser through the selected pane's container (ui/files/screen.py)."""
        from kdebug_tui.ui.files.screen import open_files

        pane = self._pane_or_warn()
        if pane is not None:
            target = pane.target
            open_files(self.app, target.namespace, target.pod, target.container)

    def action_cleanup(self) -> None:
        """Review the copy/node pods we created (and leftovers of earlier runs) for deletion."""
        self.cleanup.declined.clear()
        if not self.cleanup.pending():
            self.notify("No debug pods created by kdebug-tui are known.")
            return
        offer_cleanup(self.app, title="Delete the debug pods kdebug-tui created?")

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
