"""Export the incident record of one session pane (key `E`, palette "Export incident record").

The record (kdebug_tui/incident.py) says what was done to which pod: the DebugRequest and the
exact call sent (kept by the after-inject hook, see recording.remember_debug), the pod before
and now, its events, the pane's terminal recording, and when. The cluster is read with
`collect_incident`; the bundle is written in a thread (blocking file I/O, redaction of the
whole recording) into this run's directory (0700).

Every pane on the same debugger (a second shell beside it) adds its recording
(session-N.cast), and the debugger's timeline (ui/common/timeline.py: stop, transfers,
broadcast on/off, reattach) joins the record's timestamps. The path is shown in a dialog
with a copy button and stays behind ctrl+e (a toast vanished before it could be copied).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from pathlib import Path
from typing import Any

from kdebug_tui.ui.common import timeline
from kdebug_tui.ui.sessions.recording import record_for, run_dir

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def bundle_path(app: Any, target: Any, now: float | None = None) -> Path:
    stamp = dt.datetime.fromtimestamp(now or time.time(), dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = _UNSAFE.sub("-", f"incident-{target.namespace}-{target.pod}-{target.container}")
    return run_dir(app) / f"{name[:160]}-{stamp}.tar.gz"


def _debug_record(app: Any, pane: Any, own: Any) -> Any:
    """The record holding what was sent for `pane`'s container.

    A shell opened beside a debugger (`|`, `-`) is an exec into the same container and has no
    request of its own: E on it exported a bundle without request.yaml, sent.yaml or the pod
    before. It shares the debugger pane's record of what was sent.
    """
    if own.request is not None or not app.is_screen_installed("sessions"):
        return own
    mine = pane.target
    key = (mine.context, mine.namespace, mine.pod, mine.container)
    for other in getattr(app.get_screen("sessions"), "panes", ()):
        theirs = other.target
        if other is pane or (theirs.context, theirs.namespace, theirs.pod, theirs.container) != key:
            continue
        record = record_for(app, other)
        if record.request is not None:
            return record
    return own


async def export_pane(app: Any, pane: Any) -> Path:
    """Collect and write the bundle for `pane`; returns its path (raises on failure)."""
    from kdebug_tui.incident import export_bundle
    from kdebug_tui.kube.incident_data import collect_incident

    target = pane.target
    record = record_for(app, pane)
    debug = _debug_record(app, pane, record)
    others = [p for p in _same_debugger(app, pane) if p is not pane]
    more_casts = []
    for other in others:
        theirs = record_for(app, other)
        if theirs.recorder is not None:
            theirs.recorder.flush()
        if theirs.cast_path is not None:
            more_casts.append(theirs.cast_path)
    pod_after, events = await collect_incident(app.services.session, target.namespace, target.pod)
    if record.recorder is not None:
        record.recorder.flush()
    outcome = ""
    if pane.last_exit is not None:
        outcome = pane.last_exit.describe()
    elif pane.state == "terminal":
        outcome = "the session was still open at export"
    if record.error:
        outcome = (outcome + "; " if outcome else "") + record.error
    timestamps = dict(debug.timestamps)
    timestamps.update(record.timestamps)
    for other in others:
        timestamps.update(
            {
                f"{name} (other pane)": when
                for name, when in record_for(app, other).timestamps.items()
            }
        )
    timestamps["exported"] = time.time()
    timestamps = timeline.merged(timestamps, timeline.entries(app, timeline.key_of(target)))
    path = bundle_path(app, target)
    result: Path = await asyncio.to_thread(
        export_bundle,
        path,
        request=debug.request,
        built=debug.built,
        pod_before=debug.pod_before,
        pod_after=pod_after,
        events=events,
        cast_path=record.cast_path,
        more_casts=more_casts,
        timestamps=timestamps,
        outcome=outcome or pane.state,
    )
    return result


def _same_debugger(app: Any, pane: Any) -> list[Any]:
    """The panes on `pane`'s container (it included): attach, shells beside it, logs."""
    if not app.is_screen_installed("sessions"):
        return [pane]
    key = timeline.key_of(pane.target)
    panes = getattr(app.get_screen("sessions"), "panes", ())
    found = [p for p in panes if timeline.key_of(p.target) == key]
    return found if any(p is pane for p in found) else [pane, *found]


def show_written(app: Any, path: Path) -> None:
    """The path in a dialog with a copy button; ctrl+e shows it again later."""
    from kdebug_tui.ui.common.error_screen import ErrorScreen

    shown = (
        "Incident record written",
        str(path),
        "Private to you (0600, in a 0700 folder). Attach it to the incident ticket; "
        "secret-looking values are redacted, check before sharing.",
        str(path),
        "the path",
        "info",
    )
    app._last_error = shown  # ctrl+e ("the last message in full") shows it again
    app.push_screen(ErrorScreen(*shown))


def request_export(app: Any, pane: Any) -> None:
    """The `E` key: export in a worker; the path (or the reason it failed) is notified."""

    async def run() -> None:
        app.notify("Writing the incident record…", timeout=3, markup=False)
        try:
            path = await export_pane(app, pane)
        except Exception as exc:
            from kdebug_tui.incident import IncidentExportError

            if isinstance(exc, IncidentExportError):  # already plain text
                app.notify_error(str(exc), title="Incident record not written")
            else:
                app.notify_error(exc, title="Incident record not written")
            return
        app.last_incident_path = path
        show_written(app, path)

    app.run_worker(
        run(), group="incident-export", exit_on_error=False, description="export incident record"
    )
