"""`l`: a container's log, followed live; previous instance, container and wrap toggles;
`o` slicing as kubectl logs (since, tail, timestamps, all containers prefixed), `t`/`a`
toggles, `S` save to a file, `/` search with n/N.

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
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, RichLog, Static

from kdebug_tui.kube.pod_logs import LogOptions
from kdebug_tui.ui.common.base import ForwardWorkerErrors
from kdebug_tui.ui.common.safe_text import clean, marked, plain
from kdebug_tui.ui.common.search_keys import SearchKeys
from kdebug_tui.ui.common.text_search import TextSearch

MAX_LINES = 10_000


class LogsScreen(SearchKeys, ForwardWorkerErrors, Screen[None]):
    app: Any  # KdebugApp: services, clock
    search_input = "logs-search"

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("p", "toggle_previous", "Previous"),
        Binding("c", "pick_container", "Container"),
        Binding("w", "toggle_wrap", "Wrap"),
        Binding("f", "toggle_follow", "Follow"),
        Binding("o", "options", "Since/tail"),
        Binding("t", "toggle_timestamps", "Timestamps", show=False),
        Binding("a", "toggle_all", "All containers", show=False),
        Binding("S", "save", "Save"),
        Binding("slash", "search", "Search"),
        Binding("n", "next_match", "Next", show=False),
        Binding("N", "previous_match", "Previous", show=False),
    ]

    DEFAULT_CSS = """
    LogsScreen #logs-title { height: 1; background: $panel; padding: 0 1; }
    LogsScreen RichLog { height: 1fr; }
    LogsScreen #logs-search { display: none; }
    LogsScreen.-searching #logs-search { display: block; }
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
        self.options = LogOptions()  # follow and previous live in their own fields
        self.search = TextSearch()

    def compose(self) -> ComposeResult:
        yield Static(id="logs-title")
        yield RichLog(max_lines=MAX_LINES, wrap=False, markup=False, highlight=False, id="log")
        yield Input(placeholder="search (enter: find, n/N: next/previous)", id="logs-search")
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
                ("timestamps", self.options.timestamps),
                (f"tail {self.options.tail_lines}", self.options.tail_lines is not None),
                (f"since {self.options.since_seconds}s", bool(self.options.since_seconds)),
            )
            if on
        ]
        which = "all containers" if self.options.all_containers else self.container
        text = f"logs {self.namespace}/{self.pod} · {which}"
        if flags:
            text += "  [" + ", ".join(flags) + "]"
        if self.search.needle:
            text += "  " + self.search.status()
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
            stream = await self._open_stream()
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

    def _current_options(self) -> LogOptions:
        from dataclasses import replace

        return replace(self.options, follow=self.follow, previous=self.previous)

    async def _pod_for_stream(self) -> dict[str, Any]:
        """The whole pod when every container is shown (its container list), else its name."""
        if self.options.all_containers:
            pod: dict[str, Any] = await self.app.services.get_pod(self.namespace, self.pod)
            return pod
        return {"metadata": {"name": self.pod, "namespace": self.namespace}}

    async def _open_stream(self) -> Any:
        from kdebug_tui.kube.pod_logs import pod_log_stream

        pod = await self._pod_for_stream()
        session = self.app.services.session
        return pod_log_stream(session, self.namespace, pod, self.container, self._current_options())

    # ---- slicing, saving, searching ------------------------------------------------------

    @work(group="logs-options", exclusive=True, exit_on_error=False)
    async def action_options(self) -> None:
        from kdebug_tui.ui.views.log_options import LogOptionsForm

        chosen = await self.app.push_screen_wait(LogOptionsForm(self.options))
        if chosen is not None and chosen != self.options:
            self.options = chosen
            self._restart()

    def action_toggle_timestamps(self) -> None:
        from dataclasses import replace

        self.options = replace(self.options, timestamps=not self.options.timestamps)
        self._restart()

    def action_toggle_all(self) -> None:
        from dataclasses import replace

        self.options = replace(self.options, all_containers=not self.options.all_containers)
        self._restart()

    @work(group="logs-save", exclusive=True, exit_on_error=False, description="save the log")
    async def action_save(self) -> None:
        from kdebug_tui.kube.pod_logs import save_logs
        from kdebug_tui.ui.views.log_options import SaveLogForm, default_log_path

        path = await self.app.push_screen_wait(
            SaveLogForm(default_log_path(self.namespace, self.pod, self.container))
        )
        if path is None:
            return
        pod = await self._pod_for_stream()
        written = await save_logs(
            self.app.services.session,
            self.namespace,
            pod,
            self.container,
            path,
            self._current_options(),
        )
        self.saved_to = path
        self.app.notify(f"Saved {written} bytes to {path}", timeout=5)

    @on(Input.Submitted, "#logs-search")
    def _searched(self, event: Input.Submitted) -> None:
        log = self.query_one(RichLog)
        self.remove_class("-searching")
        log.focus()
        self._go(self.search.search(list(self.lines), event.value, start=int(log.scroll_y)))

    def _go(self, line: int | None) -> None:
        """Repaint with the matches marked and bring the current one into view (the line
        index is the row while wrap is off; with wrap on it is where the line starts at most)."""
        self._repaint()
        if line is not None:
            self.query_one(RichLog).scroll_to(y=max(0, line - 3), animate=False)

    def _repaint(self) -> None:
        log = self.query_one(RichLog)
        log.auto_scroll = not self.search.needle
        log.clear()
        for i, line in enumerate(self.lines):
            log.write(self.search.highlight(i, line) if self.search.needle else marked(line))
        if self.ended is not None:
            log.write(Text(f"[stream ended: {self.ended}]", style="dim italic"))
        self._title()

    def action_toggle_previous(self) -> None:
        self.previous = not self.previous
        self._restart()

    def action_toggle_follow(self) -> None:
        self.follow = not self.follow
        self._restart()

    def action_toggle_wrap(self) -> None:
        self.wrap = not self.wrap
        self.query_one(RichLog).wrap = self.wrap
        self._repaint()

    @work(group="logs-pick", exclusive=True, exit_on_error=False)
    async def action_pick_container(self) -> None:
        from kdebug_tui.ui.common.pickers import PickerScreen

        choice = await self.app.push_screen_wait(
            PickerScreen("Logs of container", self.containers, current=self.container)
        )
        if choice and choice != self.container:
            self.container = choice
            self._restart()
