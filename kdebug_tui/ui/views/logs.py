"""`l`: a container's log, followed live; previous instance, container and wrap toggles.

The stream's bytes are decoded incrementally (a UTF-8 character split across chunks stays
whole), cleaned of control sequences and written as plain Text (never markup). The buffer is
bounded; when the stream ends the reason is the last line.
"""

from __future__ import annotations

import codecs
from collections import deque
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, RichLog, Static

from kdebug_tui.ui.common.base import ForwardWorkerErrors
from kdebug_tui.ui.common.safe_text import clean, marked, plain

MAX_LINES = 10_000


class LogsScreen(ForwardWorkerErrors, Screen[None]):
    app: Any  # KdebugApp: services, clock

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("p", "toggle_previous", "Previous"),
        Binding("c", "pick_container", "Container"),
        Binding("w", "toggle_wrap", "Wrap"),
        Binding("f", "toggle_follow", "Follow"),
    ]

    DEFAULT_CSS = """
    LogsScreen #logs-title { height: 1; background: $panel; padding: 0 1; }
    LogsScreen RichLog { height: 1fr; }
    """

    def __init__(
        self, namespace: str, pod: str, container: str, *, containers: Sequence[str] = ()
    ) -> None:
        super().__init__()
        self.namespace = namespace
        self.pod = pod
        self.container = container
        self.containers = list(containers) or [container]
        self.previous = False
        self.follow = True
        self.wrap = False
        self.lines: deque[str] = deque(maxlen=MAX_LINES)
        self.ended: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="logs-title")
        yield RichLog(max_lines=MAX_LINES, wrap=False, markup=False, highlight=False, id="log")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RichLog).focus()
        self._restart()

    def _title(self) -> None:
        flags = [
            f
            for f, on in (
                ("previous", self.previous),
                ("following", self.follow),
                ("wrap", self.wrap),
            )
            if on
        ]
        text = f"logs {self.namespace}/{self.pod} · {self.container}"
        if flags:
            text += "  [" + ", ".join(flags) + "]"
        self.query_one("#logs-title", Static).update(plain(text, "bold"))

    def _restart(self) -> None:
        self.lines.clear()
        self.ended = None
        self.query_one(RichLog).clear()
        self._title()
        self._stream()

    def _write(self, line: str) -> None:
        self.lines.append(line)
        self.query_one(RichLog).write(marked(line))

    @work(group="logs", exclusive=True, exit_on_error=False, description="stream logs")
    async def _stream(self) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        partial = ""
        reason = "end of log" if not self.follow else "the container stopped or the stream closed"
        try:
            stream = self.app.services.stream_logs(
                self.namespace, self.pod, self.container, follow=self.follow, previous=self.previous
            )
            async for chunk in stream:
                text = partial + decoder.decode(chunk)
                *complete, partial = text.split("\n")
                for line in complete:
                    self._write(clean(line.rstrip("\r"), multiline=True))
        except Exception as exc:
            from kdebug_tui.ui.common.errors import describe_error

            title, message, _ = describe_error(exc)
            reason = f"{title}: {message}"
        tail = partial + decoder.decode(b"", final=True)
        if tail:
            self._write(clean(tail, multiline=True))
        self.ended = clean(reason, 300)
        self.query_one(RichLog).write(Text(f"[stream ended: {self.ended}]", style="dim italic"))

    def action_toggle_previous(self) -> None:
        self.previous = not self.previous
        self._restart()

    def action_toggle_follow(self) -> None:
        self.follow = not self.follow
        self._restart()

    def action_toggle_wrap(self) -> None:
        self.wrap = not self.wrap
        log = self.query_one(RichLog)
        log.wrap = self.wrap
        log.clear()
        for line in self.lines:
            log.write(marked(line))
        if self.ended is not None:
            log.write(Text(f"[stream ended: {self.ended}]", style="dim italic"))
        self._title()

    @work(group="logs-pick", exclusive=True, exit_on_error=False)
    async def action_pick_container(self) -> None:
        from kdebug_tui.ui.common.pickers import PickerScreen

        choice = await self.app.push_screen_wait(
            PickerScreen("Logs of container", self.containers, current=self.container)
        )
        if choice and choice != self.container:
            self.container = choice
            self._restart()
