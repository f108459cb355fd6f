"""Four terminal panes in the app's real sessions screen (headless), three or four flooding.

Run: ``python -m bench.panes`` (about 20 s). The sessions screen (the same ``SessionsScreen``
and ``SessionPane`` the app uses) runs in ``App.run_test`` at 160x48 with four panes, each
on the fake backend: the flooding ones produce coloured log lines as fast as their pane
reads them (64 KiB "in flight" ahead of any echo); the idle one echoes what is typed. A key
is typed into the idle pane every 50 ms; its latency is the time from posting the key to the
first paint of a row showing it. Also counted: paints per second of each flooding pane (a
paint = its first terminal row rendered in a frame) and the event loop's lag (how late a
10 ms timer fires).

Targets (issue 10): idle echo p95 <= 50 ms with three of four flooding, each flooding pane
painting >= 20 times a second.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any

from textual import events
from textual.app import App
from textual.strip import Strip

from kdebug_tui.term.fake_backend import FakeBackend, flood_block
from kdebug_tui.ui.sessions.pane import PaneTarget, SessionPane
from kdebug_tui.ui.sessions.screen import SessionsScreen
from kdebug_tui.ui.sessions.terminal.view import TerminalView

KEY_INTERVAL = 0.05
FIRST_TOKEN = 0x4E00  # CJK ideographs: never in the flood
TARGET_ECHO_P95_MS = 50.0
TARGET_PAINTS = 20.0


@dataclass
class Probe:
    paints: dict[int, int] = field(default_factory=dict)  # id(view) -> frames painted
    posted: dict[str, float] = field(default_factory=dict)
    painted: dict[str, float] = field(default_factory=dict)
    idle_view: int = 0


PROBE = Probe()
_render_line = TerminalView.render_line


def _probed_render_line(self: TerminalView, y: int) -> Strip:
    strip = _render_line(self, y)
    if y == 1:  # (row 0 is the pane's title line; row 1 is the terminal's first row)
        PROBE.paints[id(self)] = PROBE.paints.get(id(self), 0) + 1
    if id(self) == PROBE.idle_view and not strip.text.isascii():
        now = perf_counter()
        for ch in strip.text:
            if ch in PROBE.posted and ch not in PROBE.painted:
                PROBE.painted[ch] = now
    return strip


class Host(App[None]):
    def on_mount(self) -> None:
        self.install_screen(SessionsScreen(), name="sessions")
        self.push_screen("sessions")


def _target(name: str) -> PaneTarget:
    return PaneTarget("bench", "default", "web", name, kind="attach")


@dataclass
class Result:
    flooding: int
    paints_per_s: list[float]
    echo_ms: list[float]
    keys: int
    lag_ms: list[float]

    def pct(self, values: list[float], q: float) -> float:
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(flooding: int, seconds: float) -> Result:
    global PROBE
    PROBE = Probe()
    TerminalView.render_line = _probed_render_line  # type: ignore[method-assign]
    data = flood_block(1 << 20)
    app = Host()
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            screen = app.screen
            assert isinstance(screen, SessionsScreen)
            backends: list[FakeBackend] = []
            panes: list[SessionPane] = []
            for index in range(4):
                flood = index < flooding
                backend = FakeBackend(
                    [f"pane{index}$ ".encode()],
                    echo=True,
                    flood_bytes=10**10 if flood else 0,
                    flood_data=data if flood else None,
                )
                kw: dict[str, Any] = {}
                if index:  # a | b over c | d, as the sessions tests build it
                    near, beside = ((0, True), (0, False), (1, False))[index - 1]
                    kw = {"next_to": panes[near], "beside": beside}
                pane = await screen.open_pane(_target(f"c{index}"), **kw)
                await pane.show_terminal(backend)
                panes.append(pane)
                backends.append(backend)
            idle = panes[-1]
            assert idle.terminal is not None
            await pilot.pause(0.3)
            idle.terminal.focus()
            PROBE.idle_view = id(idle.terminal)
            views = [p.terminal for p in panes[:flooding]]
            lags: list[float] = []
            stop = asyncio.Event()

            async def lag_probe() -> None:
                while not stop.is_set():
                    t0 = perf_counter()
                    await asyncio.sleep(0.01)
                    lags.append((perf_counter() - t0 - 0.01) * 1000)

            lag_task = asyncio.create_task(lag_probe())
            PROBE.paints.clear()
            start = perf_counter()
            index = 0
            while perf_counter() - start < seconds:
                token = chr(FIRST_TOKEN + index)
                index += 1
                PROBE.posted[token] = perf_counter()
                idle.terminal.post_message(events.Key(token, token))
                await asyncio.sleep(KEY_INTERVAL)
            elapsed = perf_counter() - start
            paints = [PROBE.paints.get(id(v), 0) / elapsed for v in views]
            stop.set()
            await lag_task
            settle = perf_counter() + 3.0
            while len(PROBE.painted) < len(PROBE.posted) and perf_counter() < settle:
                await pilot.pause(0.02)
            echo = [
                (PROBE.painted[t] - posted) * 1000
                for t, posted in PROBE.posted.items()
                if t in PROBE.painted
            ]
            for backend in backends:
                await backend.close()
            return Result(flooding, paints, echo, len(PROBE.posted), lags)
    finally:
        TerminalView.render_line = _render_line  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args(argv)
    results = [asyncio.run(run(n, args.seconds)) for n in (0, 3, 4)]
    print("four panes in the sessions screen, 160x48, flooding panes: 25% coloured log lines")
    header = (
        f"{'flooding':>8} {'paints/s per flooding pane':>28} {'keys':>5} {'echo p50':>9} "
        f"{'p95 ms':>7} {'max':>7} {'lag p95':>8} {'lag max':>8}"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for r in results:
        paints = " ".join(f"{p:.1f}" for p in r.paints_per_s) or "-"
        p95 = r.pct(r.echo_ms, 0.95)
        print(
            f"{r.flooding:8d} {paints:>28} {r.keys:5d} {r.pct(r.echo_ms, 0.5):9.1f} "
            f"{p95:7.1f} {max(r.echo_ms, default=float('nan')):7.1f} "
            f"{r.pct(r.lag_ms, 0.95):8.1f} {max(r.lag_ms, default=float('nan')):8.1f}"
        )
        if r.flooding == 3:
            ok = p95 <= TARGET_ECHO_P95_MS and min(r.paints_per_s) >= TARGET_PAINTS
    print(
        f"target (3 of 4 flooding): idle echo p95 <= {TARGET_ECHO_P95_MS:.0f} ms and every "
        f"flooding pane >= {TARGET_PAINTS:.0f} paints/s: {'yes' if ok else 'NO'}"
    )
    mean_lag = statistics.fmean(results[-1].lag_ms) if results[-1].lag_ms else float("nan")
    print(f"four flooding: mean loop lag {mean_lag:.1f} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
