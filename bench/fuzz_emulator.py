"""Fuzz the terminal Emulator (not run in CI).

With atheris installed (``pip install atheris``): coverage-guided fuzzing,
``python -m bench.fuzz_emulator -atheris_runs=200000``. Without it: a mutation loop over the
same vocabulary the property tests use, ``python -m bench.fuzz_emulator --seconds 60``.

Checked on every input: ``feed`` does not raise, no handler raised internally, the cursor is in
bounds, no control character reaches a cell or the title, and whole vs. chunked feeding give
the same screen.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import unicodedata

from kdebug_tui.term import Emulator

_UNSAFE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_SEEDS = [
    b"\x1b[", b"\x1b]0;", b"\x1bP", b"\x1b\\", b"\x07", b"\x9b", b"\r\n", b"\x1b[?1049h",
    b"\x1b[?1049l", b"\x1b[2J", b"\x1b[1;31m", b"\x1b(0", b"\x0e", b"\x1b#8", b"\x1b[5b",
    "漢\u0301".encode(), b"\xff", b"\x1b[4h", b"\x1b[2;5r", b"\x1b7", b"\x1b8", b"\x1bc",
]  # fmt: skip


def check(data: bytes) -> None:
    if len(data) < 3:
        return
    columns, lines, cut = data[0] % 40 + 1, data[1] % 12 + 1, data[2] % 32 + 1
    body = data[3:]
    whole = Emulator(columns, lines, scrollback=50)
    whole.feed(body)
    parts = Emulator(columns, lines, scrollback=50)
    for i in range(0, len(body), cut):
        parts.feed(body[i : i + cut])
    for emu in (whole, parts):
        assert emu._parser.errors == 0, "a handler raised"
        x, y = emu.cursor
        assert 0 <= x < emu.columns and 0 <= y < emu.lines
        for row in range(emu.lines):
            for cell in emu.line(row):
                assert not any(unicodedata.category(c) in _UNSAFE for c in cell.data), cell
        assert not any(unicodedata.category(c) in _UNSAFE for c in emu.title)
    same = [whole.line(r) for r in range(lines)] == [parts.line(r) for r in range(lines)]
    assert same and whole.cursor == parts.cursor, "chunking changed the screen"


def mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.random()
        pos = rng.randint(0, len(out))
        if op < 0.4:
            out[pos:pos] = rng.choice(_SEEDS)
        elif op < 0.7:
            out[pos:pos] = rng.randbytes(rng.randint(1, 8))
        elif out:
            del out[pos : pos + rng.randint(1, 8)]
    return bytes(out[:4096])


def main(argv: list[str]) -> int:
    try:
        import atheris
    except ImportError:
        atheris = None
    if atheris is not None and "--seconds" not in argv:
        atheris.Setup(argv, lambda data: check(bytes(data)))
        atheris.Fuzz()
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv[1:])
    rng = random.Random(args.seed)
    corpus = [bytes([80, 24, 7]) + b"".join(rng.choice(_SEEDS) for _ in range(8))]
    end = time.monotonic() + args.seconds
    runs = 0
    while time.monotonic() < end:
        data = mutate(rng, rng.choice(corpus))
        try:
            check(data)
        except AssertionError as exc:
            print(f"FAILED after {runs} runs: {exc}\ninput: {data!r}")
            return 1
        if len(corpus) < 500 and rng.random() < 0.05:
            corpus.append(data)
        runs += 1
    print(f"ok: {runs} inputs in {args.seconds:.0f} s, no failure")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
