"""YAML view of large objects: time until the screen answers and until the text is shown.

Issue 15 item 8 measured 8.2 s (256 KiB annotation), 14 s (1.2 MB env) and 41.6 s (10 MB)
of frozen UI. Method (one process, ratios against a small pod in the same run):
- a headless `App.run_test()` (140x40) pushes `YamlScreen(pod)`;
- "open": until the screen's first compositor refresh (its first paint: what the user sees
  first; Pilot.pause() is not used for this, it waits for the whole process to be idle);
- "text": until the whole YAML is in the view, ready to scroll anywhere (`screen.ready`);
- "lag": the longest gap of a 10 ms ticker on the event loop meanwhile (a frozen UI shows
  as a lag as long as the rendering);
- "end": pressing End until the last line is painted.
Median of 3 runs each. Target: "open" under 0.5 s for every size; "lag" well under 0.5 s.

Run: .venv/bin/python bench/yaml_view.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App

from kdebug_tui.ui.views.yaml_view import YamlScreen


def pod(annotation: int = 0, env: int = 0, env_value: int = 100) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "p", "namespace": "default"}
    if annotation:
        meta["annotations"] = {"big": "a" * annotation}
    container = {
        "name": "app",
        "image": "busybox:1.36",
        "env": [{"name": f"V{i}", "value": "v" * env_value} for i in range(env)],
    }
    return {"metadata": meta, "spec": {"containers": [container]}, "status": {"phase": "Running"}}


CASES = {
    "small pod": pod(),
    "256 KiB annotation": pod(annotation=256 * 1024),
    "1.2 MB env": pod(env=10_000, env_value=100),
    "10 MB annotation": pod(annotation=10 * 1024 * 1024),
}


async def one(case: dict[str, Any]) -> tuple[float, float, float, float]:
    app: App[None] = App()
    async with app.run_test(size=(140, 40)) as pilot:
        lag = 0.0
        stop = False

        async def ticker() -> None:
            nonlocal lag
            last = time.perf_counter()
            while not stop:
                await asyncio.sleep(0.01)
                now = time.perf_counter()
                lag = max(lag, now - last - 0.01)
                last = now

        tick = asyncio.create_task(ticker())
        start = time.perf_counter()
        screen = YamlScreen(case)
        painted: list[float] = []
        first = asyncio.Event()
        refresh = screen._compositor_refresh

        def first_paint() -> None:
            if not painted:
                painted.append(time.perf_counter())
                first.set()
            refresh()

        screen._compositor_refresh = first_paint  # type: ignore[method-assign]
        await app.push_screen(screen)
        await screen.ready.wait()
        shown = time.perf_counter() - start
        await first.wait()
        opened = painted[0] - start
        stop = True
        await tick
        t0 = time.perf_counter()
        await pilot.press("end")
        await pilot.pause()
        ended = time.perf_counter() - t0
        return opened, shown, lag, ended


async def main() -> None:
    print(f"{'case':<22}{'open s':>9}{'text s':>9}{'lag s':>9}{'end s':>9}{'text/small':>12}")
    base = None
    for name, case in CASES.items():
        runs = [await one(case) for _ in range(3)]
        opened, shown, lag, ended = (statistics.median(r[i] for r in runs) for i in range(4))
        base = base or shown
        print(f"{name:<22}{opened:>9.3f}{shown:>9.3f}{lag:>9.3f}{ended:>9.3f}{shown / base:>12.1f}")


if __name__ == "__main__":
    asyncio.run(main())
