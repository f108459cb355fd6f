"""Cost of the generic resource list's model (ui/resources/model.py) per watch event, and
of a full repaint, against parsing the same objects' JSON.

Run: ``python -m bench.resource_rows`` (a few seconds). N events cluster-wide, the worst
kind for the list: they are re-sorted (warnings first, newest first) on every repaint.
The baseline is ``json.loads`` of every event, which a re-list pays anyway. Measured:
- relist: fold a RELISTED of N events;
- order: ``visible()`` (filter + sort of N);
- cells, all: kubectl's cells for every row (a full repaint: the 5 s age refresh);
- one event: fold one MODIFIED, order, and cells of that row only (what a repaint between
  age refreshes costs since only changed rows are recomputed).
Process CPU time, best of interleaved rounds (the machine is shared).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from kdebug_tui.kube.watch import WatchState, WatchUpdate
from kdebug_tui.ui.resources.kinds import VIEWS
from kdebug_tui.ui.resources.model import ResourceRows

N = 5000
LIVE = WatchState("live")


def make_events(n: int, now: float) -> list[dict[str, Any]]:
    events = []
    for i in range(n):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - i))
        events.append(
            {
                "kind": "Event",
                "apiVersion": "v1",
                "metadata": {"name": f"ev-{i}", "namespace": f"ns-{i % 20}", "uid": f"u{i}"},
                "type": "Warning" if i % 7 == 0 else "Normal",
                "reason": "BackOff" if i % 7 == 0 else "Pulled",
                "message": f"Back-off restarting failed container app in pod web-{i}",
                "count": 1 + i % 5,
                "firstTimestamp": stamp,
                "lastTimestamp": stamp,
                "involvedObject": {"kind": "Pod", "name": f"web-{i}", "namespace": f"ns-{i % 20}"},
                "source": {"component": "kubelet", "host": "node-1"},
            }
        )
    return events


def timed(fn: Callable[[], object]) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def main() -> None:
    now = time.time()
    events = make_events(N, now)
    texts = [json.dumps(e) for e in events]
    rows = ResourceRows(VIEWS["events"])
    rows.apply(WatchUpdate("RELISTED", None, LIVE, pods=events))
    changed = dict(events[N // 2], message="changed")

    def parse() -> None:
        for text in texts:
            json.loads(text)

    def relist() -> None:
        rows.apply(WatchUpdate("RELISTED", None, LIVE, pods=events))

    def order() -> None:
        rows.visible(now)

    def cells_all() -> None:
        for key in rows.visible(now):
            rows.cells(key, now, True)

    def one_event() -> None:
        rows.dirty.clear()
        rows.apply(WatchUpdate("MODIFIED", changed, LIVE))
        rows.visible(now)
        for key in rows.dirty:
            rows.cells(key, now, True)

    cases = {
        "json.loads (baseline)": parse,
        "relist": relist,
        "order": order,
        "cells, all": cells_all,
        "one event": one_event,
    }
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(3):  # interleaved: a busy neighbour slows every case alike
        for name, fn in cases.items():
            best[name] = min(best[name], timed(fn))
    base = best["json.loads (baseline)"]
    print(f"{N} events, best of 3 (process CPU)")
    for name, seconds in best.items():
        print(f"  {name:<22} {seconds * 1000:8.1f} ms   {seconds / base:6.2f} x baseline")


if __name__ == "__main__":
    main()
