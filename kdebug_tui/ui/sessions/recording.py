"""Every session pane records its terminal to an asciinema .cast, for the incident record.

One directory per run of the app: `$XDG_STATE_HOME/kdebug-tui/sessions/<UTC time>-<pid>/`
(XDG's default state home is `~/.local/state`; see kdebug_tui/recordings.py: folders 0700,
files 0600, old recordings expired at start by `tidy_at_start`). Each pane's terminal gets a
CastRecorder when it is created (before its first output is read), named after the pane's
pod and container. Typed input is not recorded (passwords); the output includes the echo
of what was typed, as on screen.

A recording is raw (secrets included), so the pane says where it goes, once, as a dim line
above the session's first output. Local disk trouble never reaches the session: a full disk
or the size cap (config `recording_max_mb`) stops the recording, and the pane says so once
(border and a notification); the reason goes into the incident record's outcome.

`PaneRecord` also keeps what the incident export needs about how the pane came to be: the
DebugRequest and BuiltDebug that created it and the pod before (the hook in
actions.after_inject), and the moments that matter (opened, debugger created).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.text import Text

from kdebug_tui.recordings import new_run_dir, sessions_root, state_home, tidy
from kdebug_tui.term.recorder import CastRecorder
from kdebug_tui.ui.common.home_paths import home_short
from kdebug_tui.ui.common.safe_text import clean

_RUN_DIR = "_kdebug_recording_dir"
_RECORDS = "_kdebug_pane_records"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# The dim line a pane's terminal starts with (not part of the recording).
NOTICE_PREFIX = "kdebug-tui: "

__all__ = [
    "NOTICE_PREFIX",
    "PaneRecord",
    "close_all",
    "record_for",
    "records",
    "remember_debug",
    "run_dir",
    "sessions_root",
    "start_recording",
    "state_home",
    "tidy_at_start",
]


@dataclass
class PaneRecord:
    """What one pane recorded and how it was created (for the incident record)."""

    cast_path: Path | None = None
    recorder: CastRecorder | None = None
    request: Any = None
    built: Any = None
    pod_before: dict[str, Any] | None = None
    timestamps: dict[str, float] = field(default_factory=dict)
    error: str = ""


def run_dir(app: Any) -> Path:
    """This run's directory (created, 0700, on first use)."""
    existing = getattr(app, _RUN_DIR, None)
    if isinstance(existing, Path):
        return existing
    path = new_run_dir(sessions_root())
    setattr(app, _RUN_DIR, path)
    return path


def tidy_at_start(app: Any) -> None:
    """Delete recordings older than `recording_keep_days`, in a thread (blocking file I/O)."""
    keep_days = _setting(app, "recording_keep_days", 14.0)

    def work() -> None:
        done = tidy(sessions_root(), keep_days=keep_days)
        for problem in done.errors:
            app.log.warning(f"recordings: {problem}")

    app.run_worker(
        work, thread=True, group="recordings-tidy", exit_on_error=False,
        description="delete old session recordings",
    )  # fmt: skip


def records(app: Any) -> dict[str, PaneRecord]:
    """Pane id -> its record (kept for the app's lifetime, also after the pane closed)."""
    found = getattr(app, _RECORDS, None)
    if not isinstance(found, dict):
        found = {}
        setattr(app, _RECORDS, found)
    return found


def record_for(app: Any, pane: Any) -> PaneRecord:
    return records(app).setdefault(str(pane.id), PaneRecord())


def _file_name(target: Any, pane_id: str) -> str:
    name = f"{target.namespace}_{target.pod}_{target.container}_{target.kind}_{pane_id}"
    return _UNSAFE.sub("-", name)[:180] + ".cast"


def _setting(app: Any, name: str, default: float) -> float:
    return float(getattr(getattr(app, "settings", None), name, default))


def _max_bytes(app: Any) -> int:
    return int(_setting(app, "recording_max_mb", 50.0) * 1_000_000)


def start_recording(app: Any, pane: Any, view: Any) -> PaneRecord:
    """Attach a recorder to `view` (a new terminal in `pane`); a failure is noted, not fatal."""
    record = record_for(app, pane)
    record.timestamps.setdefault("pane opened", time.time())
    if record.recorder is not None and not record.recorder.closed:
        view.attach_recorder(record.recorder)  # a new view in the same pane: same recording
        return record
    target = pane.target
    try:
        path = run_dir(app) / _file_name(target, str(pane.id))
        recorder = CastRecorder(
            path,
            width=80,
            height=24,
            title=str(target.title),
            metadata={
                "context": target.context,
                "namespace": target.namespace,
                "pod": target.pod,
                "container": target.container,
                "kind": target.kind,
            },
            max_bytes=_max_bytes(app),
            on_stop=lambda reason: _stopped(app, pane, record, reason),
        )
    except OSError as exc:
        record.error = f"the session is not recorded: {exc.strerror or exc}"
        return record
    record.cast_path, record.recorder = path, recorder
    record.timestamps.setdefault("recording started", time.time())
    _say_recorded(app, view, path)
    view.attach_recorder(recorder)
    owned = getattr(pane, "owned", None)
    if isinstance(owned, list):  # closed with the pane (SessionPane.on_unmount)
        owned.append(_Closer(recorder))
    return record


def _say_recorded(app: Any, view: Any, path: Path) -> None:
    """Two dim lines above the session's first output: that it is recorded, and where.
    Fed to the screen only (before any output is read), never to the recording. The folder
    gets a line of its own, its middle elided to fit: the terminal does not reflow."""
    keep = _setting(app, "recording_keep_days", 14.0)
    width = max(20, int(view.emulator.columns) - 1)
    lines = (
        f"{NOTICE_PREFIX}this session is recorded locally (0600, kept {keep:g} days) in",
        f"{NOTICE_PREFIX}{_elide(home_short(path.parent) + '/', width - len(NOTICE_PREFIX))}",
    )
    text = "".join(f"\x1b[2m{clean(line)}\x1b[0m\r\n" for line in lines)
    view.emulator.feed(text.encode())
    view.emulator.take_replies()


def _elide(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    keep = max(1, width - 1)
    return text[: keep // 3] + "…" + text[-(keep - keep // 3) :]


def _stopped(app: Any, pane: Any, record: PaneRecord, reason: str) -> None:
    """The recording stopped early (disk full, size cap): say so once, keep the session."""
    record.error = reason
    record.timestamps.setdefault("recording stopped", time.time())
    try:
        short = reason.split(" (/")[0]  # the path is in the notification
        pane.border_subtitle = Text(clean(f"⚠ {short}", 80), style="bold yellow")
        app.notify(
            clean(f"{reason}. The session goes on; it is no longer recorded.", 400),
            title="Recording stopped",
            severity="warning",
            timeout=10,
            markup=False,
        )
    except Exception as exc:  # the pane may be closing; the record keeps the reason
        app.log.warning(f"recording stopped: {reason} ({exc})")


class _Closer:
    """Closes a recording when its pane goes away (the pane awaits `close()`)."""

    def __init__(self, recorder: CastRecorder) -> None:
        self.recorder = recorder

    async def close(self) -> None:
        self.recorder.close()


def remember_debug(
    app: Any, pane: Any, request: Any, built: Any, pod_before: dict[str, Any] | None
) -> None:
    """The DebugRequest/BuiltDebug that created `pane`'s container, and the pod before."""
    record = record_for(app, pane)
    record.request, record.built, record.pod_before = request, built, pod_before
    record.timestamps.setdefault("debugger created", time.time())


def close_all(app: Any) -> None:
    for record in records(app).values():
        if record.recorder is not None:
            record.recorder.close()
