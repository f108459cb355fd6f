"""Record the real-output corpora in ``bench/corpora/`` (run once; the files are committed).

Run: ``python -m bench.corpora_record [NAME ...]``. Each program runs under a real PTY at
80x24 (TERM=xterm-256color, a UTF-8 locale), and its output is kept as the terminal received
it, cut at ``CAP`` bytes (a cut may split a sequence: the emulator must cope). Interactive
programs (vim) are driven key by key, each key sent once the previous screen has been
drawn, so the recording holds one redraw per key as a user paging through a file sees it.
Where a program's own output is shorter than the cap (dmesg, the vim tutors), it is run
again until the cap is reached: the bytes are still the program's, only repeated.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "corpora"
ROOT = HERE.parent
CAP = 320 * 1024
COLUMNS, LINES = 80, 24
TUTOR = Path("/usr/share/vim/vim90/tutor")

_EMOJI_SCRIPT = r"""
import random, unicodedata
rng = random.Random(7)
faces = [chr(c) for c in range(0x1F600, 0x1F650)] + [chr(c) for c in range(0x1F300, 0x1F5FF)]
marks = ["\u2705", "\u274c", "\u26a0\ufe0f", "\U0001F680", "\U0001F525", "\u2728", "\U0001F41B"]
zwj = ["\U0001F468\u200d\U0001F4BB", "\U0001F469\u200d\U0001F52C",
       "\U0001F3F3\ufe0f\u200d\U0001F308"]
steps = ["lint", "unit tests", "build image", "push", "deploy canary", "smoke test", "rollout"]
for i in range(7000):
    if i % 5 == 0:
        c = rng.choice(faces)
        try:
            name = unicodedata.name(c).lower()
        except ValueError:
            continue
        print(f"{c}  U+{ord(c):05X}  {name}")
    else:
        m = rng.choice(marks)
        who = rng.choice(zwj)
        n = rng.randint(1, 300)
        pair = rng.choice(faces) + rng.choice(faces)
        print(f"{m} {rng.choice(steps)} #{n} {who} {pair} took {rng.random()*9:.2f}s")
"""


def _spawn(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, subprocess.Popen]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    full_env = {
        **os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "COLUMNS": str(COLUMNS), "LINES": str(LINES), **(env or {}),
    }  # fmt: skip
    proc = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=full_env,
        start_new_session=True,
        cwd=ROOT,
    )
    os.close(slave)
    return master, proc


def _read(master: int, out: bytearray, quiet: float, limit: float) -> bool:
    """Read until `quiet` seconds pass without output (or `limit`); False at EOF."""
    end = time.monotonic() + limit
    while time.monotonic() < end and len(out) < CAP:
        ready, _, _ = select.select([master], [], [], quiet)
        if not ready:
            return True
        try:
            data = os.read(master, 65536)
        except OSError:
            return False
        if not data:
            return False
        out += data
    return True


def _stop(master: int, proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    os.close(master)


def run_until(argv: list[str], limit: float = 60.0) -> bytes:
    """Output of `argv` until it exits, `limit` seconds pass or CAP bytes arrived."""
    master, proc = _spawn(argv)
    out = bytearray()
    end = time.monotonic() + limit
    while len(out) < CAP and time.monotonic() < end:
        if not _read(master, out, 1.0, end - time.monotonic()):
            break
    _stop(master, proc)
    return bytes(out)


def repeated(argv: list[str]) -> bytes:
    out = b""
    while len(out) < CAP:
        chunk = run_until(argv)
        if not chunk:
            raise RuntimeError(f"{argv} printed nothing")
        out += chunk
    return out


def vim_paging() -> bytes:
    """vim with syntax colouring paging (Ctrl-F), scrolling (Ctrl-E, j) a large Python file."""
    target = "/usr/lib/python3.11/_pydecimal.py"
    if not Path(target).exists():
        target = str(ROOT / "kdebug_tui/term/parser.py")
    argv = ["vim", "--clean", "-c", "syntax on", "-c", "set number", target]
    master, proc = _spawn(argv)
    out = bytearray()
    _read(master, out, 0.5, 10)
    keys = [b"\x06"] * 3 + [b"\x05"] * 12 + [b"j"] * 20 + [b"\x02"]
    i = 0
    while len(out) < CAP and i < 5000:
        os.write(master, keys[i % len(keys)])
        _read(master, out, 0.03, 2)
        i += 1
    os.write(master, b"\x1b:qa!\r")
    _read(master, out, 0.3, 3)
    _stop(master, proc)
    return bytes(out)


CORPORA: dict[str, Callable[[], bytes]] = {
    "ls_laR": lambda: run_until(["ls", "-laR", "/usr/share"]),
    "ls_color": lambda: repeated(
        ["ls", "--color=always", "-C", "/usr/share/doc", "/usr/lib/x86_64-linux-gnu", "/usr/bin"]
    ),
    "git_log": lambda: run_until(["git", "--no-pager", "log", "--graph", "--color=always", "-p"]),
    "dmesg": lambda: repeated(["dmesg", "--color=always"]),
    "top": lambda: run_until(["top", "-d", "0.1"], limit=120),
    "vim": vim_paging,
    "ja_ko": lambda: repeated(
        ["cat", str(TUTOR / "tutor.ja.utf-8"), str(TUTOR / "tutor.ko.utf-8")]
    ),
    "emoji": lambda: run_until([sys.executable, "-c", _EMOJI_SCRIPT]),
    "cjk": lambda: repeated(
        ["cat", str(TUTOR / "tutor.zh_cn.utf-8"), str(TUTOR / "tutor.zh_tw.utf-8")]
    ),
}


def main(argv: list[str] | None = None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or list(CORPORA)
    OUT.mkdir(exist_ok=True)
    for name in names:
        data = CORPORA[name]()[:CAP]
        (OUT / f"{name}.bin").write_bytes(data)
        print(f"{name}: {len(data)} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
