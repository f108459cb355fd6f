"""Shared behaviour of the app's screens.

Textual's `Worker.StateChanged` does not bubble: a worker started by a screen reports only to
that screen. Screens forward it to the app so that one handler turns every failed worker
into a plain-text notification (KdebugApp.on_worker_state_changed).
"""

from __future__ import annotations

from typing import Any

from textual.worker import Worker


class ForwardWorkerErrors:
    """Mixin for Screens: failed workers reach the app's central error handler."""

    app: Any

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        handler = getattr(self.app, "on_worker_state_changed", None)
        if handler is not None and event.worker.node is not self.app:
            handler(event)
