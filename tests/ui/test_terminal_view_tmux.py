"""End to end in a real terminal: hostile program output must not reach the host terminal.

The demo app shows a TerminalView fed with title changes (OSC 0/1/2, screen's ESC k, tmux
DCS passthrough) and OSC 52 clipboard writes, inside a tmux pane on a private server that
would honour all of them (allow-rename on, set-clipboard on). The pane title, the window
name and tmux's paste buffers must be unchanged afterwards.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from kdebug_tui.ui.sessions.terminal.demo import DONE_MARKER
from tests.tmux_run import tmux

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_hostile_output_does_not_reach_the_host_terminal() -> None:
    socket = f"kdebugtest-{os.getpid()}"
    try:
        tmux(socket, "new-session", "-d", "-s", "kdebugtest", "-x", "100", "-y", "30", "sleep 600")
        tmux(socket, "set-option", "-g", "set-clipboard", "on")
        tmux(socket, "set-option", "-g", "allow-rename", "on")
        tmux(socket, "set-option", "-g", "automatic-rename", "off")
        tmux(socket, "rename-window", "-t", "kdebugtest", "probe-window")
        tmux(socket, "select-pane", "-t", "kdebugtest", "-T", "probe-title")
        before = tmux(socket, "display", "-p", "-t", "kdebugtest", "#{pane_title}|#{window_name}")
        assert before.strip() == "probe-title|probe-window"
        tmux(
            socket,
            "respawn-pane", "-k", "-t", "kdebugtest", "-c", str(ROOT),
            "-e", f"PYTHONPATH={ROOT}",
            sys.executable, "-m", "kdebug_tui.ui.sessions.terminal.demo", "--hostile",
        )  # fmt: skip
        screen = ""
        deadline = time.monotonic() + 30
        while DONE_MARKER not in screen:
            if time.monotonic() > deadline:
                raise AssertionError(f"the demo never showed {DONE_MARKER}; pane:\n{screen}")
            time.sleep(0.1)  # an external process: polling tmux is the only way to observe it
            screen = tmux(socket, "capture-pane", "-p", "-t", "kdebugtest")
        time.sleep(0.3)  # let tmux process anything the app wrote after the marker
        after = tmux(socket, "display", "-p", "-t", "kdebugtest", "#{pane_title}|#{window_name}")
        assert after.strip() == "probe-title|probe-window", after
        assert tmux(socket, "list-buffers", check=False).strip() == ""  # no OSC 52 got through
        assert "[bold red]x[/]" in screen  # markup-looking text is shown literally
        assert "PWNED" not in tmux(socket, "display", "-p", "-t", "kdebugtest", "#{window_name}")
    finally:
        tmux(socket, "kill-server", check=False)
