"""Deterministic byte streams that look like what a debugging shell receives.

Shared by the throughput benchmark and the emulator's tests, so both exercise the same kinds
of output: log floods, ``ls --color`` listings, ``top``-style full-screen redraws, garbage.
"""

from __future__ import annotations

import random

_LEVELS = ["INFO ", "DEBUG", "WARN ", "ERROR"]
_PATHS = ["/api/v1/pods", "/healthz", "/metrics", "/api/v1/namespaces/default/events"]


def plain_text(size: int, seed: int = 1) -> bytes:
    """Log lines of printable ASCII, CRLF-terminated (what a tty shows for ``tail -f``)."""
    rng = random.Random(seed)
    out: list[bytes] = []
    total = 0
    i = 0
    while total < size:
        line = (
            f"2026-11-21T20:{i // 60 % 60:02d}:{i % 60:02d}.{rng.randint(0, 999):03d}Z "
            f"{rng.choice(_LEVELS)} [worker-{rng.randint(1, 8)}] "
            f"GET {rng.choice(_PATHS)} status={rng.choice([200, 200, 200, 404, 500])} "
            f"took={rng.randint(1, 999)}ms id={rng.getrandbits(48):012x}"
        )[: rng.randint(20, 140)]
        b = line.encode() + b"\r\n"
        out.append(b)
        total += len(b)
        i += 1
    return b"".join(out)[:size]


_LS_STYLES = ["01;34", "01;32", "01;36", "00", "40;33;01", "01;31", "01;35"]


def sgr_heavy(size: int, seed: int = 2) -> bytes:
    """``ls --color=always`` style: short names, each wrapped in SGR on/off, several per row."""
    rng = random.Random(seed)
    out: list[bytes] = []
    total = 0
    while total < size:
        cells = []
        for _ in range(rng.randint(3, 6)):
            name = "".join(
                rng.choice("abcdefghijklmnopqrstuvwxyz_-.") for _ in range(rng.randint(3, 12))
            )
            cells.append(f"\x1b[0m\x1b[{rng.choice(_LS_STYLES)}m{name}\x1b[0m".ljust(28))
        b = ("".join(cells) + "\r\n").encode()
        out.append(b)
        total += len(b)
    return b"".join(out)[:size]


def redraw(size: int, columns: int = 80, lines: int = 24, seed: int = 3) -> bytes:
    """``top``-style frames: home, header, a reverse-video title row, rows with colours, EL."""
    rng = random.Random(seed)
    out: list[bytes] = []
    total = 0
    frame = 0
    while total < size:
        parts = ["\x1b[H\x1b[?25l"]
        parts.append(
            f"top - 20:{frame % 60:02d}:00 up 1 day,  "
            f"load average: 0.{rng.randint(0, 99):02d}\x1b[K\r\n"
        )
        parts.append(f"Tasks: {rng.randint(90, 120)} total,   1 running\x1b[K\r\n\x1b[K\r\n")
        parts.append(
            "\x1b[7m    PID USER      PR  NI    VIRT    RES  %CPU  %MEM COMMAND".ljust(columns + 4)
            + "\x1b[m\x1b[K\r\n"
        )
        for y in range(5, lines):
            bold = "\x1b[1m" if rng.random() < 0.2 else ""
            parts.append(
                f"\x1b[{y};1H{bold}{rng.randint(1, 99999):7d} root      20   0 "
                f"{rng.randint(1000, 99999):7d} {rng.randint(100, 9999):6d} "
                f"\x1b[32m{rng.random() * 100:5.1f}\x1b[m{bold} {rng.random() * 10:5.1f} "
                f"proc-{rng.randint(1, 500)}\x1b[m\x1b[K"
            )
        parts.append("\x1b[J\x1b[?25h")
        b = "".join(parts).encode()
        out.append(b)
        total += len(b)
        frame += 1
    return b"".join(out)[:size]


def wide_text(size: int, seed: int = 5) -> bytes:
    """UTF-8 lines mixing CJK (two cells), accented Latin and combining marks."""
    rng = random.Random(seed)
    words = ["漢字", "日本語", "테스트", "naïve", "café", "e\u0301", "Ελληνικά", "🙂", "über"]
    out: list[bytes] = []
    total = 0
    while total < size:
        b = (" ".join(rng.choice(words) for _ in range(rng.randint(3, 12))) + "\r\n").encode()
        out.append(b)
        total += len(b)
    return b"".join(out)[:size]


def random_bytes(size: int, seed: int = 4) -> bytes:
    """Uniformly random bytes: invalid UTF-8, stray escapes, controls."""
    return random.Random(seed).randbytes(size)


def split_chunks(data: bytes, size: int = 4096) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


#: Recorded real output (see bench/corpora_record.py), in the issue's order.
RECORDED = ["ls_laR", "ls_color", "git_log", "dmesg", "top", "vim", "ja_ko", "emoji", "cjk"]


def recorded(name: str) -> bytes:
    """The bytes a PTY delivered for one of :data:`RECORDED` (bench/corpora/NAME.bin)."""
    from pathlib import Path

    return (Path(__file__).resolve().parent / "corpora" / f"{name}.bin").read_bytes()
