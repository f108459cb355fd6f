"""Every session pane records its terminal to an asciinema .cast, for the incident record.

One directory per run of the app: `$XDG_STATE_HOME/kdebug-tui/sessions/<UTC time>-<pid>/`
(XDG's default state home is `~/.local/state`), mode 0700 because a terminal can show
secrets. Each pane's terminal gets a CastRecorder when it is created (before its first
output is read), named after the pane's pod and container. Typed input is not recorded
(passwords); the output includes the echo of what was typed, as on screen.

`PaneRecord` also keeps what the incident export needs about how the pane came to be: the
DebugRequest and BuiltDebug that created it and the pod before (the hook in
actions.after_inject), and the moments that matter (opened, debugger created).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kdebug_tui.term.recorder import CastRecorder

_RUN_DIR = "_kdebug_recording_dir"
_RECORDS = "_kdebug_pane_records"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def state_home(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_STATE_HOME") or ""
    # XDG: a relative path is invalid and must be ignored.
    return Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "state"


def sessions_root(environ: dict[str, str] | None = None) -> Path:
    return state_home(environ) / "kdebug-tui" / "sessions"


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
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = sessions_root() / f"{stamp}-{os.getpid()}"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    setattr(app, _RUN_DIR, path)
    return path


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
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
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
        )
    except OSError as exc:
        record.error = f"the session is not recorded: {exc.strerror or exc}"
        return record
    record.cast_path, record.recorder = path, recorder
    record.timestamps.setdefault("recording started", time.time())
    view.attach_recorder(recorder)
    owned = getattr(pane, "owned", None)
    if isinstance(owned, list):  # closed with the pane (SessionPane.on_unmount)
        owned.append(_Closer(recorder))
    return record


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
