"""Local recordings in the real app on the sandbox: the pane says where, a full disk stops
only the recording (the shell answers on), and old recordings go at start.

The full disk is real: the recording's descriptor is dup2'ed onto /dev/full, so the next
flush fails in the kernel with ENOSPC while the shell's output keeps coming.
"""

from __future__ import annotations

import asyncio
import errno
import os
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text

from kdebug_tui.config import Settings
from kdebug_tui.recordings import DAY, new_run_dir, sessions_root
from kdebug_tui.term.recorder import read_cast
from kdebug_tui.ui.app import KdebugApp
from kdebug_tui.ui.launch.options import LaunchOptions
from kdebug_tui.ui.sessions.recording import record_for
from tests.term.test_recorder_limits import fill_disk_under
from tests.ui.flow_helpers import run_in_pane, running_app, wait_for_shell, wait_until
from tests.ui.test_triage_features_broadcast import open_shell

pytestmark = pytest.mark.timeout(90)
needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


def _warnings(app: Any) -> list[Any]:
    return [n for n in app._notifications if n.title == "Recording stopped"]


@needs_dev_full
async def test_a_full_disk_stops_the_recording_and_the_shell_answers_on(
    sandbox: Any, kubeconfig: Path, _private_state_home: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        pane = await open_shell(app)
        await wait_for_shell(pilot, pane)
        record = record_for(app, pane)
        recorder = record.recorder
        assert record.cast_path is not None and recorder is not None
        first = pane.screen_text()
        assert first.count("this session is recorded locally") == 1
        assert f"{record.cast_path.parent.name}/" in first  # the run folder, on its own line

        fill_disk_under(record.cast_path)
        # More than the recorder's buffer, so the kernel is asked to write, and refuses.
        await run_in_pane(pilot, pane, "seq 1 40000 | tr -d 9; echo still-$((6*7))", "still-42")
        await wait_until(pilot, lambda: recorder.stopped, "the recording to stop")
        await run_in_pane(pilot, pane, "echo again-$((7*7))", "again-49")
        assert pane.state == "terminal" and pane.terminal is not None
        assert pane.terminal.exit is None, "the session did not end"

        stopped = os.strerror(errno.ENOSPC)
        assert [stopped in str(n.message) for n in _warnings(app)] == [True]
        assert stopped in Text.from_markup(pane.border_subtitle or "").plain
        assert stopped in record.error  # the incident record's outcome says so
        await run_in_pane(pilot, pane, "seq 1 40000 | tr -d 9; echo third-$((8*8))", "third-64")
        assert len(_warnings(app)) == 1, "said once"


async def test_recordings_older_than_the_setting_go_at_start(
    sandbox: Any, kubeconfig: Path, _private_state_home: Path
) -> None:
    root = sessions_root()
    old_run = new_run_dir(root)
    old = old_run / "default_web_app_exec_p1.cast"
    old.write_text("{}\n")
    kept = old_run / "incident-default-web-app-20200101T000000Z.tar.gz"
    kept.write_bytes(b"")
    recent = old_run / "default_web_app_exec_p2.cast"
    recent.write_text("{}\n")
    month_ago = os.stat(old).st_mtime - 30 * DAY
    os.utime(old, (month_ago, month_ago))
    async with running_app(kubeconfig) as (app, pilot):
        await wait_until(pilot, lambda: not old.exists(), "the old recording to go")
        assert kept.exists() and recent.exists()
        assert app.settings.recording_keep_days == 14


async def test_a_recording_stops_at_its_configured_size_and_the_shell_answers_on(
    sandbox: Any, kubeconfig: Path, _private_state_home: Path
) -> None:
    options = LaunchOptions(kubeconfig=str(kubeconfig), namespace="default")
    app = KdebugApp(options, Settings(recording_max_mb=1))
    async with app.run_test(size=(180, 50)) as pilot:
        await asyncio.wait_for(app.services.connected.wait(), 30)
        pane = await open_shell(app)
        await wait_for_shell(pilot, pane)
        record = record_for(app, pane)
        recorder = record.recorder
        assert recorder is not None and record.cast_path is not None
        # ~1.3 MB of output: more than the 1 MB the settings allow.
        await run_in_pane(pilot, pane, "seq 100000 300000 | tr -d 9; echo big-$((6*7))", "big-42")
        await wait_until(pilot, lambda: recorder.stopped, "the recording to stop")
        await run_in_pane(pilot, pane, "echo after-$((7*7))", "after-49")
        assert "size limit (1 MB)" in recorder.stopped
        assert [n.title for n in _warnings(app)] == ["Recording stopped"]
        assert 900_000 < record.cast_path.stat().st_size <= 1_000_000
        _, events = read_cast(record.cast_path)
        assert events[-1][1] == "m" and "size limit" in events[-1][2]
