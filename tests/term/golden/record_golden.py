"""Re-record the golden terminal sessions: real programs under a PTY at 80x24.

Run from the repository root: ``python tests/term/golden/record_golden.py [names]``
(``--snapshots-only`` rewrites the expected screens from the existing recordings). Each session is
saved as the raw bytes the programs wrote (``<name>.bin``); the tests replay them whole and in
random chunk sizes. Keystrokes are sent once the output has been quiet for a moment.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS, LINES = 80, 24
ENV = {
    "TERM": "xterm-256color",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "HOME": "/tmp",
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "PS1": "$ ",
}

# name -> (argv, keystrokes sent one after another when output goes quiet)
SESSIONS: dict[str, tuple[list[str], list[bytes]]] = {
    "shell": (
        ["bash", "--norc", "--noprofile", "-i"],
        [b"echo hello world\r", b"printf '\\033[1;32mgreen\\033[0m tab\\there\\n'\r",
         b"seq 1 40\r", b"echo \xc3\xa9t\xc3\xa9 \xe6\xbc\xa2\xe5\xad\x97 done\r", b"exit\r"],
    ),
    "shell_regions": (
        ["bash", "--norc", "--noprofile", "-i"],
        [b"tput csr 3 10; tput cup 10 0; seq 1 25; tput csr 0 23; tput cup 20 0\r",
         b"printf 'e\\xcc\\x81 \\xe6\\xbc\\xa2 wide\\ttab\\n'\r",
         b"printf '\\033[4hINS\\033[4l\\033[1;44mblue bg\\033[K\\033[0m\\n'\r",
         b"exit\r"],
    ),
    "ls_color": (["ls", "--color=always", "-F", "/usr/lib/python3", "/etc"], []),
    "ls_long": (["ls", "--color=always", "-la", "/etc"], []),
    "vi": (["vim", "-N", "-u", "NONE", "-i", "NONE", "/etc/os-release"],
           [b"jjwww", b"ihello \x1b", b":q!\r"]),
    "top": (["top", "-n", "1"], []),
    "top_batch": (["top", "-b", "-n", "1", "-w", "80"], []),
    "less": (["less", "/etc/services"], [b" ", b" ", b"/tcp\r", b"G", b"g", b"q"]),
}  # fmt: skip


def record(argv: list[str], keys: list[bytes], quiet: float = 0.4, limit: float = 15.0) -> bytes:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=ENV, start_new_session=True,
        cwd="/tmp",
    )  # fmt: skip
    os.close(slave)
    out = bytearray()
    pending = list(keys)
    deadline = time.monotonic() + limit
    last = time.monotonic()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            out += data
            last = time.monotonic()
        elif time.monotonic() - last > quiet:
            if pending:
                os.write(master, pending.pop(0))
                last = time.monotonic()
            elif proc.poll() is not None:
                break
    proc.kill()
    proc.wait()
    os.close(master)
    return bytes(out)


def write_snapshot(name: str) -> None:
    """Save our emulator's final screen for `name` (review it before committing)."""
    sys.path.insert(0, str(HERE.parents[2]))
    from kdebug_tui.term import Emulator

    emu = Emulator(COLUMNS, LINES, scrollback=1000)
    emu.feed((HERE / f"{name}.bin").read_bytes())
    rows = [row.rstrip() for row in emu.display]
    rows.append(f"cursor {emu.cursor[0]} {emu.cursor[1]}")
    (HERE / f"{name}.screen.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")


def main() -> int:
    args = sys.argv[1:]
    snapshots_only = "--snapshots-only" in args
    names = [a for a in args if not a.startswith("--")] or list(SESSIONS)
    for name in names:
        if not snapshots_only:
            argv, keys = SESSIONS[name]
            data = record(argv, keys)
            (HERE / f"{name}.bin").write_bytes(data)
            print(f"{name}: {len(data)} bytes")
        write_snapshot(name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
