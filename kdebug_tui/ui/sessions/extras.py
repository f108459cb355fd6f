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


def pane_name(pane: Any) -> str:
    return f"{pane.target.pod}/{pane.target.container}"


def pane_title(pane: Any) -> str:
    target = pane.target
    return f"{target.pod}/{target.container} ({target.namespace}, {target.context})"


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
        if self.broadcast.is_member(pane) or not self.broadcast.members:
            joined = self.broadcast.toggle(pane)  # leaving, or one pane: nothing typed twice
            what = "joins" if joined else "leaves"
            count = len(self.broadcast.members)
            self.notify(f"{pane_name(pane)} {what} the broadcast ({count}).")
            return
        self._confirm_broadcast([*self.broadcast.members, pane])

    def action_broadcast_all(self) -> None:
        if len(self.panes) < 2:
            self.notify("Broadcast needs at least two session panes.", severity="warning")
            return
        self._confirm_broadcast(list(self.panes))

    def _confirm_broadcast(self, panes: list[Any]) -> None:
        """Typing into several shells at once is asked for every time, by whatever key or
        palette command started it, with the panes it will type into named."""
        from kdebug_tui.ui.common.confirm import ConfirmScreen

        lines = [f"What you type in any of these {len(panes)} panes goes to all of them:"]
        lines += [f"  • {pane_title(pane)}" for pane in panes]
        lines.append("Each receiving pane is marked ⇶ broadcast; ctrl+b turns it off.")

        def answered(ok: bool | None) -> None:
            live = [pane for pane in panes if pane.is_attached]
            if not ok or len(live) < 2:
                return
            self.broadcast.all(live)
            self.notify(f"Typing in any of {len(live)} panes now goes to all of them.")

        self.app.push_screen(
            ConfirmScreen(
                f"Broadcast to {len(panes)} panes?",
                lines,
                yes_label="Broadcast",
                no_label="Cancel",
            ),
            answered,
        )

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
