"""In a real terminal: cluster text opened in every view never retitles the terminal or
writes its clipboard.

The real app on a sandbox with the hostile pod (tests/reliability/hostile_views.py) runs in a
tmux pane on a private server that would honour title changes (allow-rename) and OSC 52
(set-clipboard on). Pane title, window name and paste buffers must be unchanged afterwards.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from tests.reliability.hostile_views import DONE_MARKER
from tests.tmux_run import tmux

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(90)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_hostile_cluster_text_does_not_reach_the_host_terminal(tmp_path: Path) -> None:
    socket = f"kdebughostile-{os.getpid()}"
    try:
        tmux(socket, "new-session", "-d", "-s", "h", "-x", "180", "-y", "45", "sleep 600")
        tmux(socket, "set-option", "-g", "set-clipboard", "on")
        tmux(socket, "set-option", "-g", "allow-rename", "on")
        tmux(socket, "set-option", "-g", "automatic-rename", "off")
        tmux(socket, "rename-window", "-t", "h", "probe-window")
        tmux(socket, "select-pane", "-t", "h", "-T", "probe-title")
        assert tmux(socket, "list-buffers", check=False).strip() == ""
        tmux(
            socket,
            "respawn-pane", "-k", "-t", "h", "-c", str(ROOT),
            "-e", f"PYTHONPATH={ROOT}", "-e", f"XDG_STATE_HOME={tmp_path}",
            "-e", "TERM=xterm-256color",
            sys.executable, "-m", "tests.reliability.hostile_views",
        )  # fmt: skip
        screen = ""
        deadline = time.monotonic() + 60
        while DONE_MARKER not in screen:
            if time.monotonic() > deadline:
                raise AssertionError(f"the app never showed {DONE_MARKER}; pane:\n{screen}")
            time.sleep(0.2)  # an external process: polling tmux is the only way to observe it
            screen = tmux(socket, "capture-pane", "-p", "-t", "h")
        time.sleep(0.3)  # let tmux process anything the app wrote after the marker
        after = tmux(socket, "display", "-p", "-t", "h", "#{pane_title}|#{window_name}")
        assert after.strip() == "probe-title|probe-window", after
        assert tmux(socket, "list-buffers", check=False).strip() == "", "OSC 52 got through"
        assert "hostile" in screen, screen
        tmux(socket, "send-keys", "-t", "h", "q")
    finally:
        tmux(socket, "kill-server", check=False)
        (Path(f"/tmp/tmux-{os.getuid()}") / socket).unlink(missing_ok=True)  # its stale socket
