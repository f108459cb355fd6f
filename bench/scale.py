"""Scale: the pods screen against a `kdebug-tui sandbox --scale N`, anchored on kubectl.

Method, one run per size (default 5,000 then 150,000 pods; ~150 pods per namespace, so
150,000 pods are in 1,000 namespaces):
- the sandbox runs as its own process (`kdebug-tui sandbox --scale N --no-demo`), as an
  API server would; its start-up is not timed;
- anchor: `kubectl get pods -A` (default --chunk-size 500, a Table per page) against it,
  output to a file, wall time;
- the app: the real KdebugApp headless in this process (`App.run_test`, 140x40) with
  `--kubeconfig` and `-A`. Times are from the moment the session is connected
  (`services.connected`): first rows in the table, then the whole list in the store;
- filter keystrokes: after the load, "/" then a text typed and erased key by key (narrowing
  and widening); per key: press until the screen applied the filter and painted (pilot
  pause), p50/p95;
- idle CPU: process CPU time of this process (the app) over 10 s with the list loaded and no
  churn, as % of one core;
- memory: resident set (VmRSS) after the load; bytes per pod = (RSS after load - RSS
  before connecting) / pods.
Targets (issue 13): first rows <= 1.0 s; whole list <= 0.5x kubectl; filter key <= 50 ms
p95; idle <= 2% of a core; RSS <= 400 MB. Not measured here: key echo in an open shell while
the list loads under 500 events/s of churn.

Run: .venv/bin/python -m bench.scale [--sizes 5000,150000] [--keep-sandbox]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TYPED = "svc-11"  # narrowing key by key, then erased (widening)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def start_sandbox(n: int, work: Path, churn: float = 0.0) -> tuple[subprocess.Popen[str], Path]:
    kubeconfig = work / "kubeconfig"
    argv = [
        sys.executable,
        "-m",
        "kdebug_tui",
        "sandbox",
        "--scale",
        str(n),
        "--no-demo",
        "--kubeconfig",
        str(kubeconfig),
    ]
    if churn:
        argv += ["--churn", str(churn)]
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("Press Ctrl-C"):
            return proc, kubeconfig
    raise SystemExit(f"the sandbox did not start (exit {proc.wait()})")


def kubectl_time(kubeconfig: Path, out: Path) -> tuple[float, int]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        raise SystemExit("kubectl is not installed")
    env = dict(os.environ, HOME=str(out.parent / "home"))
    t0 = time.perf_counter()
    with out.open("w") as sink:
        subprocess.run(
            [kubectl, "--kubeconfig", str(kubeconfig), "get", "pods", "-A"],
            stdout=sink,
            check=True,
            env=env,
        )
    elapsed = time.perf_counter() - t0
    return elapsed, len(out.read_text().splitlines()) - 1


async def measure_app(kubeconfig: Path, n: int, idle_seconds: float) -> dict[str, Any]:
    from textual import events

    from kdebug_tui.config import Settings
    from kdebug_tui.ui.app import KdebugApp
    from kdebug_tui.ui.launch.options import LaunchOptions

    rss_before = rss_mb()
    app = KdebugApp(LaunchOptions(kubeconfig=str(kubeconfig), all_namespaces=True), Settings())
    result: dict[str, Any] = {}
    async with app.run_test(size=(140, 40)) as pilot:
        services = app.services
        await asyncio.wait_for(services.connected.wait(), 120)
        t0 = time.perf_counter()
        screen: Any = app.screen
        while screen.table.row_count == 0:
            await pilot.pause(0.005)
        await pilot.pause()  # the frame with those rows
        result["first_rows_s"] = time.perf_counter() - t0
        while services.store is None or len(services.store) < n or services.store.listing:
            await pilot.pause(0.02)
        result["loaded_s"] = time.perf_counter() - t0
        while screen.table.row_count < n:
            await pilot.pause(0.02)
        result["table_s"] = time.perf_counter() - t0
        await pilot.pause()
        result["rss_mb"] = rss_mb()
        result["bytes_per_pod"] = (result["rss_mb"] - rss_before) * 1024 * 1024 / n
        # Filter keystrokes: type TYPED key by key, then erase it. Each key is sent as the
        # terminal driver sends it; timed until the table paints a line after the filter
        # changed (pilot.press would add its own waits for an idle CPU).
        await pilot.press("slash")
        await pilot.pause()
        table = screen.table
        painted: list[float] = []
        real_render_line = table.render_line

        def stamped(y: int) -> Any:
            painted.append(time.perf_counter())
            return real_render_line(y)

        table.render_line = stamped  # type: ignore[method-assign]
        times = []
        for key in [*TYPED, *(["backspace"] * len(TYPED))]:
            before = screen.filter_count
            event = events.Key(key, key if len(key) == 1 else None)
            event.set_sender(app)
            painted.clear()
            k0 = time.perf_counter()
            app._driver.send_message(event)  # type: ignore[union-attr]
            while screen.filter_count == before:
                await asyncio.sleep(0.001)
            applied = time.perf_counter()
            while not [t for t in painted if t >= applied]:
                await asyncio.sleep(0.001)
            done = min(t for t in painted if t >= applied)
            times.append((done - k0) * 1000)
            await pilot.pause(0.05)
        table.render_line = real_render_line  # type: ignore[method-assign]
        result["filter_ms"] = times
        await pilot.press("escape")
        await pilot.pause(1.0)
        # Idle: nothing happens but the app's own timers (age refresh, bookmarks).
        c0, w0 = cpu_seconds(), time.perf_counter()
        await asyncio.sleep(idle_seconds)
        result["idle_pct"] = (cpu_seconds() - c0) / (time.perf_counter() - w0) * 100
        await app.action_quit()
    return result


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_size(n: int, idle_seconds: float) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="kdebug-bench-scale-"))
    os.chmod(work, 0o700)
    proc, kubeconfig = start_sandbox(n, work)
    try:
        kubectl_s, lines = kubectl_time(kubeconfig, work / "kubectl.out")
        app = asyncio.run(measure_app(kubeconfig, n, idle_seconds))
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(work, ignore_errors=True)
    return {"n": n, "kubectl_s": kubectl_s, "kubectl_lines": lines, **app}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="5000,150000")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle measured")
    args = parser.parse_args()
    print(__doc__.split("Run:")[0].strip())
    print()
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        r = run_size(n, args.idle)
        rows.append(r)
        f = r["filter_ms"]
        print(
            f"{n:>7} pods: kubectl get pods -A {r['kubectl_s']:.2f} s ({r['kubectl_lines']} rows)"
            f" | first rows {r['first_rows_s']:.2f} s | whole list {r['loaded_s']:.2f} s"
            f" = {r['loaded_s'] / r['kubectl_s']:.2f}x kubectl | table {r['table_s']:.2f} s"
            f" | filter key p50 {statistics.median(f):.1f} ms p95 {pct(f, 0.95):.1f} ms"
            f" | idle {r['idle_pct']:.1f}% of a core | RSS {r['rss_mb']:.0f} MB"
            f" ({r['bytes_per_pod']:.0f} B/pod)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
