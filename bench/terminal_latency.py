"""Keystroke-to-echo latency and frame rate of TerminalView while output floods in.

Run: ``python -m bench.terminal_latency`` (about 20-30 s; ``--flood-mb`` to change).

A headless Textual app (``App.run_test``) hosts one TerminalView on the fake backend, which
floods log lines (a quarter of them with SGR colour) as fast as the widget reads them and
echoes every typed key after ``--inflight`` bytes of flood already "in the socket" ahead of
it. A key is posted to the app every 50 ms; its latency is the time from posting the key
event until the first frame painted after the emulator consumed the echo. The frame rate
counts paints of the terminal during the flood.

Baselines in the same run: the same widget idle (no flood), and the same widget with
slicing turned off (each chunk fed whole, as a naive consumer does).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.strip import Strip

from bench import corpora
from kdebug_tui.term import Emulator
from kdebug_tui.term.backend import BackendExit, TerminalBackend
from kdebug_tui.term.fake_backend import FakeBackend, flood_block
from kdebug_tui.ui.sessions.terminal.io import TerminalLink
from kdebug_tui.ui.sessions.terminal.view import TerminalView

TARGET_P95_MS = 50.0
TARGET_CTRL_C_MS = 150.0
TARGET_FPS = 20.0
KEY_INTERVAL = 0.05
FIRST_TOKEN = 0x4E00  # CJK ideographs: never in the ASCII flood, one per keystroke


@dataclass
class Probe:
    """Timestamps for the keys of one run."""

    posted: dict[str, float] = field(default_factory=dict)
    fed: dict[str, float] = field(default_factory=dict)
    painted: dict[str, float] = field(default_factory=dict)
    seen_on_screen: set[str] = field(default_factory=set)
    paints: list[float] = field(default_factory=list)


class ProbedLink(TerminalLink):
    """TerminalLink that stamps echoes as they are fed (optionally without slicing)."""

    probe: Probe
    sliced: bool = True

    async def feed(self, data: bytes | bytearray) -> None:
        # The link feeds what arrived as one batch (maybe megabytes): an echo counts as fed
        # once the emulator has consumed the bytes up to it, stamped after each slice.
        probe = self.probe
        marks: list[tuple[int, str]] = []
        if probe.posted and not data.isascii():
            for token in probe.posted:
                if token not in probe.fed:
                    index = data.find(token.encode())
                    if index >= 0:
                        marks.append((index, token))
        if not self.sliced:  # the naive consumer: the whole chunk in one call, then a frame
            self.emulator.feed(data)
            self._stamp(marks, len(data))
            self._on_output()
            await asyncio.sleep(0)
            return
        emu = self.emulator
        view = memoryview(data)
        pos = 0
        while pos < len(data):
            pos += emu.feed_some(view[pos:], self.SLICE_SECONDS)
            self._stamp(marks, pos)
            replies = emu.take_replies()
            if replies:
                self.post(replies)
            self._on_output()
            await asyncio.sleep(0)

    def _stamp(self, marks: list[tuple[int, str]], consumed: int) -> None:
        now = perf_counter()
        for index, token in marks:
            if index < consumed and token not in self.probe.fed:
                self.probe.fed[token] = now


class ProbedTerminal(TerminalView):
    """TerminalView that notes when frames are issued and painted."""

    probe: Probe
    sliced: bool = True
    frame_at: float = 0.0  # when the widget last handed changed rows on for painting
    last_skimmed = 0  # the emulator's skimmed bytes, noted at each frame
    counted_frame: float = 0.0

    def _make_link(self, backend: TerminalBackend) -> TerminalLink:
        link = ProbedLink(
            backend, self.emulator, on_output=self._request_frame, recorder=lambda: None
        )
        link.probe = type(self).probe
        link.sliced = type(self).sliced
        return link

    def _on_frame(self) -> None:
        changed = bool(self.emulator.dirty)
        type(self).last_skimmed = getattr(self.emulator, "skimmed_bytes", 0)
        super()._on_frame()
        if changed:  # everything fed until now is in the rows the next paint draws
            self.frame_at = perf_counter()

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        probe = self.probe
        now = perf_counter()
        if y >= 1 and self.frame_at != self.counted_frame:
            self.counted_frame = self.frame_at  # first row drawn for a new frame
            probe.paints.append(now)
        for token, fed_at in probe.fed.items():
            # Painted = drawn by the first paint after the widget handed on the rows that
            # changed when the emulator consumed the echo (a paint is one synchronous pass).
            if token not in probe.painted and fed_at <= self.frame_at:
                probe.painted[token] = now
        if y >= 1 and not strip.text.isascii():
            probe.seen_on_screen.update(ch for ch in strip.text if ch in probe.posted)
        if MarkWatch.armed and MarkWatch.painted is None and MARK in strip.text:
            MarkWatch.painted = now
            if MarkWatch.seen is not None:
                MarkWatch.seen.set()
        return strip


class BenchApp(App[None]):
    def __init__(self, backend: TerminalBackend, probe: Probe, *, sliced: bool) -> None:
        super().__init__()
        self.backend = backend
        self.probe = probe
        self.sliced = sliced

    def compose(self) -> ComposeResult:
        # The link is made in the view's constructor, so the probe is set on the class.
        ProbedTerminal.probe = self.probe
        ProbedTerminal.sliced = self.sliced
        yield ProbedTerminal(self.backend, "bench \u203a flood")

    def on_mount(self) -> None:
        self.query_one(ProbedTerminal).focus()


@dataclass
class Result:
    name: str
    bytes_fed: int
    seconds: float
    fps: float
    latencies_ms: list[float]
    keys: int
    seen: int

    ctrl_c_ms: list[float] = field(default_factory=list)
    skimmed: int = 0

    def pct(self, q: float, values: list[float] | None = None) -> float:
        values = self.latencies_ms if values is None else values
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run_case(
    name: str,
    *,
    flood_bytes: int,
    inflight: int,
    sliced: bool,
    limit: float,
    keys: int = 0,
    flood_data: bytes | None = None,
) -> Result:
    backend = FakeBackend(
        echo=True, flood_bytes=flood_bytes, inflight=inflight, flood_data=flood_data
    )

    def flooding() -> bool:
        return backend.flood_remaining > 0

    return await measure(
        name, backend, flooding, sliced=sliced, limit=limit, keys=keys, stop_all=flood_bytes > 0
    )


async def measure(
    name: str,
    backend: TerminalBackend,
    flooding: Callable[[], bool],
    *,
    sliced: bool = True,
    limit: float,
    keys: int = 0,
    stop_all: bool = True,
    before: Callable[[ProbedTerminal], Awaitable[None]] | None = None,
    after: Callable[[ProbedTerminal], Awaitable[None]] | None = None,
    settle_limit: float = 2.0,
) -> Result:
    """Type a token every KEY_INTERVAL while `flooding()` (or until `keys` were typed)."""
    counter = CountingBackend(backend)
    probe = Probe()
    app = BenchApp(counter, probe, sliced=sliced)
    async with app.run_test(size=(80, 25)) as pilot:
        view = app.query_one(ProbedTerminal)
        while not counter.started:
            await pilot.pause(0.01)
        if before is not None:
            await before(view)
        start = perf_counter()
        counter.bytes_read = 0
        probe.paints.clear()
        index = 0
        next_key = start + KEY_INTERVAL
        while True:
            now = perf_counter()
            active = flooding()
            if now - start > limit or (not active and (index >= keys or stop_all)):
                break
            if now >= next_key and (active or index < keys):
                token = chr(FIRST_TOKEN + index)
                index += 1
                probe.posted[token] = perf_counter()
                app.post_message(events.Key(token, token))
                next_key = now + KEY_INTERVAL
            await asyncio.sleep(0.005)
        elapsed = perf_counter() - start
        bytes_fed = counter.bytes_read
        if after is not None:
            await after(view)
        # Let the last echoes through before reading the numbers.
        settle = perf_counter() + settle_limit
        while len(probe.painted) < len(probe.posted) and perf_counter() < settle:
            await pilot.pause(0.02)
        frames = [t for t in probe.paints if t <= start + elapsed]
        fps = len(frames) / elapsed if elapsed > 0 else 0.0
        latencies = [
            (probe.painted[token] - posted) * 1000
            for token, posted in probe.posted.items()
            if token in probe.painted
        ]
        result = Result(
            name=name,
            bytes_fed=bytes_fed,
            seconds=elapsed,
            fps=fps,
            latencies_ms=latencies,
            keys=len(probe.posted),
            seen=len(probe.seen_on_screen),
        )
        await counter.close()
        view.remove()
    return result


class CountingBackend:
    """Pass-through backend that counts output bytes and notes when it started."""

    def __init__(self, inner: TerminalBackend) -> None:
        self.inner = inner
        self.bytes_read = 0
        self.started = False

    @property
    def exit(self) -> BackendExit | None:
        return self.inner.exit

    async def start(self, columns: int, lines: int) -> None:
        await self.inner.start(columns, lines)
        self.started = True

    async def read(self) -> bytes:
        data = await self.inner.read()
        self.bytes_read += len(data)
        return data

    async def write(self, data: bytes) -> None:
        await self.inner.write(data)

    async def resize(self, columns: int, lines: int) -> None:
        await self.inner.resize(columns, lines)

    async def close(self) -> None:
        await self.inner.close()


#: Flood commands typed into a sandbox pod's shell (busybox sh); the echo of typed keys goes
#: through the same pty, so it is mixed into the flood stream as a user's typing is.
WS_FLOODS = {
    "plain": "yes '2026-11-21T20:00:00Z INFO request served in 12 ms path=/api/v1/x'",
    "coloured": (
        "yes \"$(printf '\\033[32mINFO\\033[0m request \\033[1;34mGET\\033[0m /api/v1/x "
        "\\033[33m200\\033[0m in \\033[1m12\\033[0m ms')\""
    ),
    # Kana and Hangul only: the typed probe tokens are CJK ideographs, never in the flood.
    "CJK": "yes 'ログ: リクエストを処理しました 요청을 처리했습니다 ステータス 정상 です'",
}
MARK = "M1ARK"  # what `echo M$((1))ARK` prints (the typed command line never shows it)


class MarkWatch:
    """Notes when a row holding MARK is first painted (set on ProbedTerminal.render_line)."""

    painted: float | None = None
    armed = False
    seen: asyncio.Event | None = None


async def _sandbox_shell(tmp: Path, run: Callable[[Any], Awaitable[Result]]) -> Result | str:
    try:
        from kdebug_tui.kube.attach import ExecSession
        from kdebug_tui.kube.session import KubeSession
        from kdebug_tui.sandbox import Sandbox
    except Exception as exc:
        return f"websocket case skipped: {type(exc).__name__}: {exc}"
    async with Sandbox(port=0, workdir=tmp / "sandbox", demo=True) as sandbox:
        kubeconfig = sandbox.write_kubeconfig(tmp / "kubeconfig")
        for _ in range(200):
            pod = sandbox.cluster.get_pod("shop", "redis-0") or {}
            if pod.get("status", {}).get("phase") == "Running":
                break
            await asyncio.sleep(0.05)
        else:
            return "websocket case skipped: the sandbox pod shop/redis-0 never ran"
        session = await KubeSession.open(kubeconfig=kubeconfig)
        try:
            return await run(ExecSession(session, "shop", "redis-0", "redis", ["sh"]))
        finally:
            await session.close()


async def run_websocket_case(kind: str, seconds: float, ctrl_c_samples: int) -> Result | str:
    """A flood in a sandbox pod's shell over the real exec websocket, with the backlog the
    transport really holds: keys typed every KEY_INTERVAL while it runs (their echo comes
    back behind the flood), then `ctrl_c_samples` times: Ctrl-C, `echo M$((1))ARK`, and the
    time until MARK is painted, restarting the flood in between."""
    command = WS_FLOODS[kind]
    ctrl_c_ms: list[float] = []

    async def begin(view: TerminalView) -> None:
        view.send_text(command + "\r")
        await asyncio.sleep(0.3)

    async def stop(view: TerminalView) -> None:
        for sample in range(ctrl_c_samples):
            if sample:  # flood again for a while, so the transport fills up again
                view.send_text(command + "\r")
                await asyncio.sleep(0.8)
            MarkWatch.painted = None
            view.emulator.feed(b"\x1b[2J")  # (forget earlier MARKs on screen)
            MarkWatch.armed = True
            sent = perf_counter()
            view.send_bytes(b"\x03")
            view.send_text("echo M$((1))ARK\r")
            seen = MarkWatch.seen = asyncio.Event()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(seen.wait(), 30.0)
            MarkWatch.armed = False
            # A MARK never painted counts as 30 s (it stays in the percentiles, not dropped).
            painted = MarkWatch.painted if MarkWatch.painted is not None else sent + 30.0
            ctrl_c_ms.append((painted - sent) * 1000)

    async def run(backend: Any) -> Result:
        started = perf_counter()
        result = await measure(
            f"websocket `yes` {kind}",
            backend,
            lambda: perf_counter() - started < seconds,
            limit=seconds,
            before=begin,
            after=stop,
            settle_limit=20.0,
        )
        result.ctrl_c_ms = ctrl_c_ms
        result.skimmed = ProbedTerminal.last_skimmed
        return result

    with tempfile.TemporaryDirectory() as tmp:
        return await _sandbox_shell(Path(tmp), run)


def emulator_only_rate(data: bytes, total: int = 4_000_000) -> float:
    """MB/s of the bare Emulator on the same corpus in 16 KiB chunks: the parse-rate ceiling."""
    emu = Emulator(80, 24, scrollback=10_000)
    chunk = 16 * 1024
    fed = 0
    started = perf_counter()
    while fed < total:
        for index in range(0, len(data), chunk):
            emu.feed(data[index : index + chunk])
        fed += len(data)
    return fed / (perf_counter() - started) / 1e6


def textual_terminal_note() -> str:
    """textual-terminal is not a dependency; say whether it can be compared here at all."""
    try:
        import textual_terminal  # noqa: F401
    except Exception as exc:
        return (
            f"textual-terminal: not comparable here ({type(exc).__name__}: {exc}). "
            "Installed in a scratch venv, textual-terminal 0.3.0 on textual 8.2.8 fails at "
            "import: cannot import name 'DEFAULT_COLORS' from 'textual.app'."
        )
    return "textual-terminal: importable, but not compared (it is not a project dependency)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--flood-mb", type=float, default=20.0)
    parser.add_argument("--inflight-kb", type=int, default=64)
    parser.add_argument("--limit", type=float, default=10.0, help="max seconds per flood run")
    parser.add_argument(
        "--websocket-seconds",
        type=float,
        default=4.0,
        help="flood a sandbox shell over a real exec websocket this long per kind (0: skip)",
    )
    parser.add_argument("--ctrl-c-samples", type=int, default=10)
    parser.add_argument("--websocket-only", action="store_true", help="skip the fake-backend rows")
    args = parser.parse_args(argv)
    flood = int(args.flood_mb * 1_000_000)
    inflight = args.inflight_kb * 1024

    plain = corpora.plain_text(1 << 20)
    mixed = flood_block(1 << 20)
    mb = f"{args.flood_mb:g} MB"

    async def run_all() -> list[Result]:
        return [
            await run_case("idle (no flood)", flood_bytes=0, inflight=0, sliced=True, limit=5,
                           keys=20),
            await run_case(f"flood {mb} plain logs", flood_bytes=flood, inflight=inflight,
                           sliced=True, limit=args.limit, flood_data=plain),
            await run_case(f"flood {mb} 25% SGR lines", flood_bytes=flood, inflight=inflight,
                           sliced=True, limit=args.limit, flood_data=mixed),
            await run_case("  same, unsliced baseline", flood_bytes=flood, inflight=inflight,
                           sliced=False, limit=min(args.limit, 5.0), flood_data=mixed),
        ]  # fmt: skip

    results = [] if args.websocket_only else asyncio.run(run_all())
    websocket: list[Result | str] = []
    if args.websocket_seconds > 0:
        for kind in WS_FLOODS:
            websocket.append(
                asyncio.run(run_websocket_case(kind, args.websocket_seconds, args.ctrl_c_samples))
            )
    print(
        f"TerminalView keystroke->echo painted, 80x24, echo behind {args.inflight_kb} KiB "
        f"of flood in flight, a key every {KEY_INTERVAL * 1000:.0f} ms"
    )
    header = (
        f"{'case':34} {'MB fed':>7} {'MB/s':>6} {'fps':>6} {'keys':>5} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.name:34} {r.bytes_fed / 1e6:7.2f} {r.bytes_fed / 1e6 / r.seconds:6.2f} "
            f"{r.fps:6.1f} {r.keys:5d} {r.pct(0.5):7.1f} {r.pct(0.95):7.1f} "
            f"{max(r.latencies_ms, default=float('nan')):7.1f}"
        )
    print("over a real exec websocket from the sandbox (whole chain, real backlog):")
    for w in websocket:
        if isinstance(w, str):
            print(w)
            continue
        r = w
        print(
            f"{r.name:34} {r.bytes_fed / 1e6:7.2f} {r.bytes_fed / 1e6 / r.seconds:6.2f} "
            f"{r.fps:6.1f} {r.keys:5d} {r.pct(0.5):7.1f} {r.pct(0.95):7.1f} "
            f"{max(r.latencies_ms, default=float('nan')):7.1f}  key echo"
        )
        c = r.ctrl_c_ms
        print(f"{'  of it skimmed (MB)':34} {r.skimmed / 1e6:7.2f}")
        print(
            f"{'  Ctrl-C -> MARK painted':34} {'':7} {'':6} {'':6} {len(c):5d} "
            f"{r.pct(0.5, c):7.1f} {r.pct(0.95, c):7.1f} {max(c, default=float('nan')):7.1f}"
            f"  target p95 <= {TARGET_CTRL_C_MS:.0f} ms: "
            f"{'yes' if c and r.pct(0.95, c) <= TARGET_CTRL_C_MS else 'NO'}"
        )
    all_ok = all(
        isinstance(r, Result) and r.ctrl_c_ms and r.pct(0.95, r.ctrl_c_ms) <= TARGET_CTRL_C_MS
        for r in websocket
    )
    if not results:
        return 0 if all_ok else 1
    for r in results[1:3]:
        ok_latency = r.pct(0.95) <= TARGET_P95_MS
        ok_fps = r.fps >= TARGET_FPS
        all_ok &= ok_latency and ok_fps
        print(
            f"target {r.name.strip()}: p95 <= {TARGET_P95_MS:.0f} ms "
            f"{'yes' if ok_latency else 'NO'} ({r.pct(0.95):.1f}); "
            f"fps >= {TARGET_FPS:.0f} {'yes' if ok_fps else 'NO'} ({r.fps:.1f})"
        )
    for label, data, r in (("plain", plain, results[1]), ("25% SGR", mixed, results[2])):
        ceiling = emulator_only_rate(data)
        widget = r.bytes_fed / r.seconds / 1e6
        print(
            f"{label} flood: bare Emulator {ceiling:.2f} MB/s, in the widget {widget:.2f} MB/s "
            f"({widget / ceiling:.2f}x); 64 KiB in flight = {65536 / ceiling / 1e3:.1f} ms "
            "of parsing at the bare rate"
        )
    sliced, unsliced = results[2], results[3]
    rate_ratio = (unsliced.bytes_fed / unsliced.seconds) / (sliced.bytes_fed / sliced.seconds)
    print(
        f"SGR flood, unsliced/sliced: p95 {unsliced.pct(0.95) / sliced.pct(0.95):.2f}x, "
        f"throughput {rate_ratio:.2f}x; idle p50 {results[0].pct(0.5):.1f} ms"
    )
    print(statistics_line(results))
    print(textual_terminal_note())
    return 0 if all_ok else 1


def statistics_line(results: list[Result]) -> str:
    parts = []
    for r in results:
        mean = statistics.fmean(r.latencies_ms) if r.latencies_ms else float("nan")
        parts.append(f"{r.name}: mean {mean:.1f} ms, echoes painted {len(r.latencies_ms)}/{r.keys}")
    return "; ".join(parts)


if __name__ == "__main__":
    raise SystemExit(main())
