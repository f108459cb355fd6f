"""The sessions screen's triage actions: broadcast input, stop a debugger, export a record.

A mixin of SessionsScreen (its bindings are in that screen's BINDINGS: `b`/`B`/`ctrl+b`
broadcast, `S` stop, `E` export), kept apart so the screen stays about panes and layout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from kdebug_tui.ui.sessions.broadcast import CLASS as BROADCAST_CLASS
from kdebug_tui.ui.sessions.broadcast import Broadcast, broadcast_of

if TYPE_CHECKING:
    from textual.screen import Screen

    _Base = Screen[None]
else:
    _Base = object

BROADCAST_CSS = f"""
SessionPane.{BROADCAST_CLASS} {{ border: round $warning; }}
SessionPane.{BROADCAST_CLASS}.-selected {{ border: double $warning; }}
SessionPane.{BROADCAST_CLASS}:focus-within {{ border: double $warning; }}
"""


class SessionExtrasMixin(_Base):
    """Actions on the selected pane; the screen provides `selected`, `panes`, `grid`, and
    `KEY_HINTS`, its key line, which the broadcast state is shown in front of."""

    KEY_HINTS: ClassVar[str] = ""

    if TYPE_CHECKING:

        @property
        def panes(self) -> list[Any]: ...

        def _pane_or_warn(self) -> Any: ...

    @property
    def broadcast(self) -> Broadcast:
        return broadcast_of(self)

    # --- broadcast -----------------------------------------------------------------------

    def action_broadcast_toggle(self) -> None:
        pane = self._pane_or_warn()
        if pane is None:
            return
        joined = self.broadcast.toggle(pane)
        count = len(self.broadcast.members)
        what = "joins" if joined else "leaves"
        self.notify(f"{pane.target.pod}/{pane.target.container} {what} the broadcast ({count}).")

    def action_broadcast_all(self) -> None:
        if not self.panes:
            self.notify("No session panes to broadcast to.", severity="warning")
            return
        self.broadcast.all(self.panes)
        self.notify(f"Typing in any pane now goes to all {len(self.panes)} panes.")

    def action_broadcast_off(self) -> None:
        if self.broadcast.members:
            self.broadcast.off()
            self.notify("Broadcast off: each pane gets only its own keys.")

    def broadcast_changed(self, broadcast: Broadcast) -> None:
        """Show the broadcast state on the screen's key line."""
        from textual.widgets import Static

        status = broadcast.status_text()
        keys = self.query("#sessions-keys")
        if not keys:
            return
        line = keys.first(Static)
        hints = self.KEY_HINTS
        line.update(f" {status}  │{hints}" if status else hints)
        line.set_class(bool(status), "-broadcasting")

    # --- stop and export -----------------------------------------------------------------

    def action_stop_debugger(self) -> None:
        from kdebug_tui.ui.sessions.stop import request_stop

        pane = self._pane_or_warn()
        if pane is None:
            return
        target = pane.target
        if target.kind not in ("ephemeral", "attach", "exec"):
            self.notify(
                "Only ephemeral debuggers are stopped this way; copy and node pods are "
                "deleted instead (D).",
                severity="warning",
            )
            return
        request_stop(self.app, target.namespace, target.pod, target.container)

    def action_export_incident(self) -> None:
        from kdebug_tui.ui.sessions.incident import request_export

        pane = self._pane_or_warn()
        if pane is not None:
            request_export(self.app, pane)
