"""Running tmux on a private socket with no user config, for tests that look at what a real
terminal shows."""

from __future__ import annotations

import subprocess


def tmux(socket: str, *args: str, check: bool = True) -> str:
    result = subprocess.run(
        ["tmux", "-L", socket, "-f", "/dev/null", *args],
        capture_output=True,
        text=True,
        check=check,
        timeout=10,
    )
    return result.stdout
