"""Throughput of our Emulator against raw pyte on recorded real output, two screen sizes.

Run: ``python -m bench.terminal_throughput`` (about a minute; ``--quick`` for one size and
fewer samples). Both consumers get the same recorded bytes (bench/corpora/, recorded under a
PTY by bench/corpora_record.py) in 4 KiB chunks (what a websocket delivers), the same number
of samples each, interleaved, and both have their screen read (``display``) at the end, so
work deferred to reading is counted. Times are process CPU time (the machine is shared),
median of the samples.

Fails (exit 1) when any row's ratio ours/raw falls below half of the ratio stored in
bench/corpora/baseline.json (a 2x regression); ``--save-baseline`` rewrites that file.
The 20 MB/s (10 MB/s for invalid UTF-8) target is printed per row, not enforced.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pyte

from bench import corpora
from kdebug_tui.term import Emulator

SIZES = [(80, 24), (200, 60)]
BASELINE = Path(__file__).resolve().parent / "corpora" / "baseline.json"
TARGET_MBS = 20.0
TARGET_BINARY_MBS = 10.0


def cases() -> dict[str, bytes]:
    out = {name: corpora.recorded(name) for name in corpora.RECORDED}
    out["random bytes (invalid UTF-8)"] = corpora.random_bytes(256 * 1024)
    return out


def run_raw(chunks: list[bytes], columns: int, lines: int) -> float:
    screen = pyte.Screen(columns, lines)
    stream = pyte.ByteStream(screen)
    t0 = time.process_time()
    for chunk in chunks:
        # raw pyte raises on some input (random bytes) and drops the rest of that chunk
        with contextlib.suppress(Exception):
            stream.feed(chunk)
    screen.display  # noqa: B018 (read the screen, as ours is read)
    return time.process_time() - t0


def run_ours(chunks: list[bytes], columns: int, lines: int) -> float:
    emu = Emulator(columns, lines, scrollback=10_000)
    t0 = time.process_time()
    for chunk in chunks:
        emu.feed(chunk)
    emu.display  # noqa: B018 (lazy rows are built here: count them)
    return time.process_time() - t0


def measure(chunks: list[bytes], columns: int, lines: int, samples: int) -> tuple[float, float]:
    """Median raw and median ours over `samples` interleaved runs each."""
    raw: list[float] = []
    ours: list[float] = []
    run: Callable[[list[bytes], int, int], float]
    for _ in range(samples):
        for run, into in ((run_raw, raw), (run_ours, ours)):
            into.append(run(chunks, columns, lines))
    return statistics.median(raw), statistics.median(ours)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="80x24 only, one sample")
    parser.add_argument("--only", help="comma-separated corpus names")
    parser.add_argument("--save-baseline", action="store_true")
    args = parser.parse_args(argv)
    sizes = SIZES[:1] if args.quick else SIZES
    samples = 1 if args.quick else args.samples
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    found: dict[str, float] = {}
    header = (
        f"{'corpus':30} {'size':>7} {'KiB':>5} {'raw MB/s':>9} {'ours MB/s':>10} "
        f"{'ratio':>7} {'base':>6} {'target':>7}  ok"
    )
    print(f"terminal throughput, 4 KiB chunks, median of {samples} (MB/s = 10^6 bytes/s)")
    print(header)
    print("-" * len(header))
    regressions = 0
    misses = 0
    wanted = set(args.only.split(",")) if args.only else None
    for name, data in cases().items():
        if wanted and name not in wanted:
            continue
        chunks = corpora.split_chunks(data)
        target = TARGET_BINARY_MBS if name.startswith("random") else TARGET_MBS
        for columns, lines in sizes:
            key = f"{name} {columns}x{lines}"
            raw, ours = measure(chunks, columns, lines, samples)
            ratio = raw / ours
            found[key] = round(ratio, 2)
            base = baseline.get(key)
            regressed = base is not None and ratio < base / 2
            regressions += regressed
            mbs = len(data) / ours / 1e6
            misses += mbs < target
            print(
                f"{name:30} {columns:3d}x{lines:<3d} {len(data) // 1024:5d} "
                f"{len(data) / raw / 1e6:9.2f} {mbs:10.2f} {ratio:6.1f}x "
                f"{(f'{base:.1f}x' if base else '-'):>6} {target:6.0f}  "
                f"{'REGRESSED' if regressed else ('yes' if mbs >= target else 'below target')}"
            )
    print(f"{misses} rows below the MB/s target; {regressions} rows regressed 2x vs baseline")
    if args.save_baseline:
        BASELINE.write_text(json.dumps({**baseline, **found}, indent=1, sort_keys=True) + "\n")
        print(f"baseline written to {BASELINE}")
    return 1 if regressions else 0


if __name__ == "__main__":
    raise SystemExit(main())
