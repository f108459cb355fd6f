"""Broadcast input: what is typed into one member pane goes to every member (tmux's
synchronize-panes), e.g. the same `tcpdump` or `ss -tanp` in every replica at once.

Membership is per pane of the sessions screen (key `b` on a pane whose terminal released
the focus, `B` all panes, `ctrl+b` off; also in the command palette). Whenever that would
type into more than one pane, extras.py asks first, naming the panes. The focused member's
TerminalView encodes a key once (xterm encoding, its own modes) and hands the bytes to its
`input_tap`; we send the same bytes to the other members' terminals with `send_bytes`.
Mouse reports and terminal query answers are never broadcast. Every member shows
"⇶ broadcast" in its border title, and the screen's key line says how many panes listen.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

MARK = "⇶ broadcast"
CLASS = "-broadcast"


class Broadcast:
    """The broadcast set of one sessions screen."""

    def __init__(self, screen: Any) -> None:
        self.screen = screen
        self.members: list[Any] = []  # SessionPane, in the order they joined

    # --- membership ----------------------------------------------------------------------

    def is_member(self, pane: Any) -> bool:
        return any(p is pane for p in self.members)

    def toggle(self, pane: Any) -> bool:
        """Add or remove `pane`; returns whether it is a member now."""
        if self.is_member(pane):
            self._leave(pane)
            joined = False
        else:
            self.members.append(pane)
            self._mark(pane, True)
            joined = True
        self._refresh()
        return joined

    def all(self, panes: list[Any]) -> None:
        for pane in panes:
            if not self.is_member(pane):
                self.members.append(pane)
                self._mark(pane, True)
        self._refresh()

    def off(self) -> None:
        for pane in list(self.members):
            self._leave(pane)
        self._refresh()

    def forget(self, pane: Any) -> None:
        """A pane closed."""
        if self.is_member(pane):
            self.members = [p for p in self.members if p is not pane]
            self._refresh()

    def _leave(self, pane: Any) -> None:
        self.members = [p for p in self.members if p is not pane]
        self._mark(pane, False)

    # --- input ---------------------------------------------------------------------------

    def terminal_opened(self, pane: Any, view: Any) -> None:
        """A member pane got a new TerminalView: tap it too."""
        if self.is_member(pane):
            view.input_tap = self._tap_for(view)

    def _tap_for(self, source: Any) -> Any:
        def tap(data: bytes) -> None:
            self.send_from(source, data)

        return tap

    def send_from(self, source: Any, data: bytes) -> int:
        """Send `data` (already encoded, already sent to `source`) to the other members'
        live terminals; returns how many got it."""
        sent = 0
        for pane in list(self.members):
            view = getattr(pane, "terminal", None)
            if view is None or view is source or view.exit is not None:
                continue
            view.send_bytes(data)
            sent += 1
        return sent

    # --- showing it ----------------------------------------------------------------------

    def _mark(self, pane: Any, on: bool) -> None:
        from kdebug_tui.ui.common import timeline

        if pane.has_class(CLASS) != on:
            timeline.note_pane(self.screen.app, pane, "broadcast " + ("on" if on else "off"))
        pane.set_class(on, CLASS)
        # Text, never str: the title is cluster text and a str would be parsed as markup.
        # Its plain text from the stored Content: the `border_title` getter returns markup
        # (escaped), whose backslashes would become part of the title.
        content = getattr(pane, "_border_title", None)
        title = (content.plain if content is not None else "").removeprefix(MARK + " · ")
        pane.border_title = Text(f"{MARK} · {title}" if on else title)
        view = getattr(pane, "terminal", None)
        if view is not None:
            view.input_tap = self._tap_for(view) if on else None

    def status_text(self) -> str:
        count = len(self.members)
        if not count:
            return ""
        return f"{MARK} to {count} pane{'s' if count != 1 else ''} (b toggle, ctrl+b off)"

    def _refresh(self) -> None:
        hook = getattr(self.screen, "broadcast_changed", None)
        if callable(hook):
            hook(self)


def broadcast_of(screen: Any) -> Broadcast:
    """The screen's Broadcast (created on first use)."""
    found = getattr(screen, "_kdebug_broadcast", None)
    if not isinstance(found, Broadcast):
        found = Broadcast(screen)
        screen._kdebug_broadcast = found
    return found
