"""`o` in the log view: kubectl logs' slicing (--since, --tail, --timestamps,
--all-containers) as a small form, and `S`: the file to save the log to.

The form answers a new LogOptions (kube/pod_logs.py) or None; a value kubectl would refuse
(`--since 5x`, a negative tail) is said under the field and the form stays open.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from kdebug_tui.kube.pod_logs import LogOptions, parse_since
from kdebug_tui.ui.common.safe_text import plain


def since_text(options: LogOptions) -> str:
    seconds = options.since_seconds
    if not seconds:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return "".join(f"{v}{u}" for v, u in ((hours, "h"), (minutes, "m"), (secs, "s")) if v)


def read_options(
    base: LogOptions, since: str, tail: str, timestamps: bool, all_containers: bool
) -> LogOptions:
    """The form's fields as LogOptions; ValueError with the sentence to show."""
    since_seconds = parse_since(since) if since.strip() else None
    tail = tail.strip()
    if tail and not (tail.isdigit() or tail == "-1"):
        raise ValueError(f"tail must be a number of lines (or -1 for all), not {tail[:20]!r}")
    tail_lines = None if not tail or tail == "-1" else int(tail)
    return replace(
        base,
        since_seconds=since_seconds,
        since_time=None if since_seconds else base.since_time,
        tail_lines=tail_lines,
        timestamps=timestamps,
        all_containers=all_containers,
    )


class LogOptionsForm(ModalScreen[LogOptions | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    DEFAULT_CSS = """
    LogOptionsForm { align: center middle; }
    LogOptionsForm > Vertical { width: 64; height: auto; border: round $accent; padding: 1 2; }
    LogOptionsForm #logopt-error { color: $error; height: auto; }
    LogOptionsForm Horizontal { height: auto; }
    """

    def __init__(self, options: LogOptions) -> None:
        super().__init__()
        self.options = options

    def compose(self) -> ComposeResult:
        o = self.options
        with Vertical():
            yield Static(plain("Log options (as kubectl logs)", "bold"))
            yield Label("Since (30s, 5m, 1h30m; empty: from the start)")
            yield Input(since_text(o), id="logopt-since")
            yield Label("Tail: last lines only (empty: all)")
            yield Input("" if o.tail_lines is None else str(o.tail_lines), id="logopt-tail")
            yield Checkbox("Timestamps", o.timestamps, id="logopt-timestamps")
            yield Checkbox("All containers (prefixed)", o.all_containers, id="logopt-all")
            yield Static("", id="logopt-error", markup=False)
            with Horizontal():
                yield Button("Apply", variant="primary", id="logopt-apply")
                yield Button("Cancel", id="logopt-cancel")

    def on_mount(self) -> None:
        self.query_one("#logopt-since", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#logopt-apply")
    def _apply(self) -> None:
        try:
            options = read_options(
                self.options,
                self.query_one("#logopt-since", Input).value,
                self.query_one("#logopt-tail", Input).value,
                self.query_one("#logopt-timestamps", Checkbox).value,
                self.query_one("#logopt-all", Checkbox).value,
            )
        except ValueError as exc:
            self.query_one("#logopt-error", Static).update(str(exc))
            return
        self.dismiss(options)

    @on(Button.Pressed, "#logopt-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


def default_log_path(namespace: str, pod: str, container: str, now: float | None = None) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now or time.time()))
    safe = "_".join(part.replace(os.sep, "-") for part in (namespace, pod, container))
    return Path.cwd() / f"{safe}_{stamp}.log"


class SaveLogForm(ModalScreen[Path | None]):
    """The file to write the log to (created 0600; an existing file is not overwritten)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    DEFAULT_CSS = """
    SaveLogForm { align: center middle; }
    SaveLogForm > Vertical { width: 90; height: auto; border: round $accent; padding: 1 2; }
    SaveLogForm #savelog-error { color: $error; height: auto; }
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain("Save the log (what the view shows, without follow)", "bold"))
            yield Input(str(self.path), id="savelog-path")
            yield Static("", id="savelog-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        error = self.query_one("#savelog-error", Static)
        if not event.value.strip():
            error.update("Give a file name.")
        elif path.exists():
            error.update(f"{path} exists; choose another name.")
        elif not path.parent.is_dir():
            error.update(f"{path.parent} is not a directory.")
        else:
            self.dismiss(path)
