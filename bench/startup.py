"""Startup: time to the first frame of `kdebug-tui --demo` vs an empty Textual app.

Method: each program runs as a real subprocess on a pseudo-terminal (140x40, TERM=xterm-
256color), exactly as a user starts it. We time from spawn until a text that only the first
painted frame contains appears in the PTY output: "kdebug-tui" (the header of the pods
screen) for ours, "first-frame" (a Static) for the baseline App. Then we send ctrl+q and wait
for the process to exit (the demo sandbox stops with it). Runs alternate between the two
programs; we report medians. Both pay Python start-up and `import textual`; ours must not
pay `import kubernetes_asyncio` (~0.8 s) or the sandbox before painting.
Target: ours <= 1.5x the baseline.

Run: .venv/bin/python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Empty(App):\n"
    "    def compose(self):\n"
    "        yield Static('first-frame')\n"
    "Empty().run()\n"
)


def first_frame(argv: list[str], marker: bytes, timeout: float = 30.0) -> float:
    """Seconds from spawn until `marker` is painted; the process is then quit and reaped."""
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="140", LINES="40")
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.chdir(ROOT)
        os.execve(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
    seen = b""
    elapsed = float("nan")
    deadline = start + timeout
    try:
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen = seen[-len(marker) :] + chunk
            if marker in seen:
                elapsed = time.perf_counter() - start
                break
        os.write(fd, b"\x11")  # ctrl+q: quit like a user
        end = time.perf_counter() + 15
        while time.perf_counter() < end:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                with contextlib.suppress(OSError):
                    os.read(fd, 65536)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    finally:
        os.close(fd)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    python = sys.executable
    ours_argv = [python, "-m", "kdebug_tui", "--demo"]
    base_argv = [python, "-c", BASELINE]
    first_frame(base_argv, b"first-frame")  # warm the file cache for both
    first_frame(ours_argv, b"kdebug-tui")
    ours: list[float] = []
    base: list[float] = []
    for _ in range(args.runs):
        base.append(first_frame(base_argv, b"first-frame"))
        ours.append(first_frame(ours_argv, b"kdebug-tui"))
    print(__doc__.split("Run:")[0].strip())
    print()
    print(f"{'program':<28} {'median':>8} {'min':>8} {'max':>8}   runs")
    for label, values in (("empty Textual app", base), ("kdebug-tui --demo", ours)):
        print(
            f"{label:<28} {statistics.median(values) * 1000:>6.0f}ms {min(values) * 1000:>6.0f}ms "
            f"{max(values) * 1000:>6.0f}ms   {len(values)}"
        )
    ratio = statistics.median(ours) / statistics.median(base)
    verdict = "OK" if ratio <= 1.5 else "OVER TARGET"
    print()
    print(f"first frame, kdebug-tui --demo / empty app: {ratio:.2f}x (target <= 1.5x): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
