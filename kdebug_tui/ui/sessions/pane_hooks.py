"""What happens when a session pane gets a new terminal: record it, and tap it for broadcast.

Called by SessionPane right after it creates its TerminalView and before the view reads
any output, so the recording starts with the first byte. Never raises: a pane must open
even if its recording cannot be written (the reason is kept for the incident export).
"""

from __future__ import annotations

from typing import Any


def terminal_opened(pane: Any, view: Any) -> None:
    from kdebug_tui.ui.sessions.broadcast import broadcast_of
    from kdebug_tui.ui.sessions.recording import start_recording

    try:
        start_recording(pane.app, pane, view)
    except Exception as exc:
        pane.log.warning(f"recording failed: {exc}")
    try:
        broadcast_of(pane.screen).terminal_opened(pane, view)
    except Exception as exc:
        pane.log.warning(f"broadcast tap failed: {exc}")
