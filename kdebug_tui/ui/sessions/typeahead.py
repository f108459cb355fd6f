"""Keys typed while a debug session is being created (issue 12 item 4).

Between ctrl+s on the debug form and the shell's prompt the screens change under the user's
fingers: the form is replaced by the sessions screen, a pane opens, its terminal mounts. A
key typed then used to land wherever the focus happened to be for that instant -- the form,
the pane's frame (where `x` closes), or nowhere. From the submit on, the app hands every key
to this queue instead (KdebugApp.on_event); when the new pane's terminal is live the keys go
into it in the order typed, so a prefix and the key after it reach the terminal together and
act as they would have a moment later (prefix then a key: that key acts on the pane). If the
send fails, the keys go back to the app (the form is still there); if the session ends up
without a shell, they are dropped and the user is told how many. Capture stops after
CAPTURE_SECONDS (a slow image pull must not hold the keyboard); keys already queued still
go to the terminal when it comes.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events

_ATTR = "_kdebug_typeahead"


class TypeAhead:
    CAPTURE_SECONDS: ClassVar[float] = 5.0

    def __init__(self, app: Any) -> None:
        self.app = app
        self.keys: list[tuple[str, str | None]] = []
        self.capturing = True
        self.pane: Any = None  # the pane that will receive them, once it exists
        self._timer = app.set_timer(self.CAPTURE_SECONDS, self.stop_capturing)

    def take(self, event: events.Key) -> bool:
        """Queue `event` if capturing; True when it was taken."""
        if not self.capturing:
            return False
        self.keys.append((event.key, event.character))
        return True

    def stop_capturing(self) -> None:
        self.capturing = False
        if not self.keys:
            self._finish()

    def deliver_to(self, view: Any) -> None:
        """The terminal is live: everything typed goes into it, in order."""
        keys, self.keys = self.keys, []
        self._finish()
        if view.screen is self.app.screen:
            view.focus()
        for key, character in keys:
            view.post_message(events.Key(key, character))

    def back_to_app(self) -> None:
        """The send failed: the keys act where the user still is (the form)."""
        keys, self.keys = self.keys, []
        self._finish()
        for key, character in keys:
            self.app.post_message(events.Key(key, character))

    def drop(self, why: str) -> None:
        keys, self.keys = self.keys, []
        self._finish()
        if keys:
            count = len(keys)
            self.app.notify(
                f"{count} key{'s' if count != 1 else ''} typed while the session started "
                f"{'were' if count != 1 else 'was'} not sent: {why}.",
                severity="warning",
            )

    def _finish(self) -> None:
        self.capturing = False
        self._timer.stop()
        if getattr(self.app, _ATTR, None) is self:
            setattr(self.app, _ATTR, None)


def begin(app: Any) -> TypeAhead:
    """From now on keys are queued for the session being created (one queue at a time)."""
    current = current_of(app)
    if current is None or not current.capturing:
        if current is not None:
            current.drop("another session was started")
        current = TypeAhead(app)
        setattr(app, _ATTR, current)
    return current


def current_of(app: Any) -> TypeAhead | None:
    found = getattr(app, _ATTR, None)
    return found if isinstance(found, TypeAhead) else None


def take_key(app: Any, event: events.Key) -> bool:
    """For the app's event handler: True if the key was queued."""
    current = current_of(app)
    return current is not None and current.take(event)


def claim(app: Any, pane: Any) -> None:
    """`pane` is the one the queued keys are for (the first pane opened after the submit)."""
    current = current_of(app)
    if current is not None and current.pane is None:
        current.pane = pane


def pane_ready(pane: Any) -> None:
    """The pane's terminal is live: deliver the queue if it is this pane's."""
    current = current_of(pane.app)
    if current is not None and current.pane is pane and pane.terminal is not None:
        current.deliver_to(pane.terminal)


def pane_needs_user(pane: Any) -> None:
    """The pane shows a problem to act on (a pull error, say): keys from now on are the
    user's answer to it (`c` cancels), not typing for a shell that may never come."""
    current = current_of(pane.app)
    if current is not None and current.pane is pane and current.capturing:
        current.stop_capturing()


def pane_failed(pane: Any, why: str) -> None:
    current = current_of(pane.app)
    if current is not None and current.pane is pane:
        current.drop(why)


def send_failed(app: Any) -> None:
    current = current_of(app)
    if current is not None:
        current.back_to_app()
