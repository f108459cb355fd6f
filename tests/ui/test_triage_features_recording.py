"""Every session pane is recorded to a .cast under $XDG_STATE_HOME; the triage actions are
in the command palette; B puts every pane in the broadcast."""

from __future__ import annotations

import os
import stat
import tarfile
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.term.recorder import read_cast
from kdebug_tui.ui.sessions.broadcast import MARK
from kdebug_tui.ui.sessions.recording import record_for
from tests.ui.flow_helpers import run_in_pane, running_app, sessions, wait_for_shell, wait_until
from tests.ui.test_triage_features_broadcast import open_shell

pytestmark = pytest.mark.timeout(90)


async def test_pane_output_is_recorded_under_the_state_dir(
    sandbox: Any, kubeconfig: Path, _private_state_home: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        pane = await open_shell(app)
        await wait_for_shell(pilot, pane)
        await run_in_pane(pilot, pane, "echo recorded-$((6*7))", "recorded-42")
        record = record_for(app, pane)
        assert record.cast_path is not None and record.recorder is not None
        root = _private_state_home / "kdebug-tui" / "sessions"
        assert record.cast_path.parent.parent == root
        assert stat.S_IMODE(os.stat(record.cast_path.parent).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(record.cast_path).st_mode) == 0o600
        record.recorder.flush()
        header, events = read_cast(record.cast_path)
        assert header["kdebug"]["pod"] == "multi" and header["kdebug"]["container"] == "sidecar"
        output = "".join(e[2] for e in events if e[1] == "o")
        assert "recorded-42" in output
        assert not any(e[1] == "i" for e in events), "typed input is not recorded"

        # Palette: the triage actions of the sessions screen are listed by name.
        screen = sessions(app)
        titles = {str(c.title) for c in app.get_system_commands(screen)}
        for title in (
            "Broadcast: toggle pane",
            "Broadcast: all panes",
            "Broadcast: off",
            "Export incident record",
            "Stop debugger",
        ):
            assert title in titles, f"{title!r} missing from the palette: {sorted(titles)}"

        second = await open_shell(app)
        await wait_for_shell(pilot, second)
        second.focus()
        await pilot.pause()
        await pilot.press("B")  # several panes: asked first, then on
        await wait_until(pilot, lambda: app.screen is not screen, "the broadcast question")
        await pilot.press("y")
        await wait_until(pilot, lambda: len(screen.broadcast.members) == 2, "broadcast on")
        assert screen.broadcast.members == [pane, second]
        assert all(MARK in str(p.border_title) for p in (pane, second))
        await wait_until(pilot, lambda: record_for(app, second).cast_path, "second recording")
        assert record_for(app, second).cast_path != record.cast_path

        # E on a plain shell pane (no debug request behind it): the record still has the
        # recording, the pod and its events.
        pane.focus()
        await pilot.pause()
        await pilot.press("E")
        await wait_until(pilot, lambda: getattr(app, "last_incident_path", None), "the export")
        with tarfile.open(app.last_incident_path) as tar:  # type: ignore[attr-defined]
            names = {Path(m.name).name for m in tar.getmembers()}
        assert {"session.cast", "pod-after.yaml", "events.yaml"} <= names
        assert "request.yaml" not in names


async def test_unwritable_state_dir_leaves_panes_working_and_export_says_why(
    sandbox: Any, kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    async with running_app(kubeconfig) as (app, pilot):
        pane = await open_shell(app)
        await wait_for_shell(pilot, pane)
        await run_in_pane(pilot, pane, "echo still-works", "still-works")
        assert record_for(app, pane).cast_path is None
        assert "not recorded" in record_for(app, pane).error
        pane.focus()
        await pilot.pause()
        await pilot.press("E")
        await wait_until(
            pilot,
            lambda: any(n.title == "Incident record not written" for n in app._notifications),
            "the export failure",
        )
        note = next(n for n in app._notifications if n.title == "Incident record not written")
        assert "Traceback" not in str(note.message) and "directory" in str(note.message).lower()
