"""Cost of turning pods into table rows and folding a re-list, against parsing their JSON.

Run: ``python -m bench.pod_rows`` (a second or two). The baseline is ``json.loads`` of the
same pods, a cost every watch event pays anyway; the ratios say how much our per-pod work
adds on top. Process CPU time, best of interleaved rounds (the machine is shared).
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kdebug_tui.kube.render import container_rows, pod_row
from kdebug_tui.kube.store import PodStore
from kdebug_tui.kube.watch import WatchState, WatchUpdate

FIXTURE = Path(__file__).resolve().parent.parent / "tests/fixtures/real-cluster/copy-pod.json"
N = 5000


def make_pods(n: int) -> list[dict[str, Any]]:
    base = json.loads(FIXTURE.read_text())
    pods = []
    for i in range(n):
        pod = copy.deepcopy(base)
        pod["metadata"]["name"] = f"pod-{i}"
        pod["metadata"]["uid"] = f"uid-{i}"
        pod["metadata"]["resourceVersion"] = str(1000 + i)
        pods.append(pod)
    return pods


def timed(fn: Callable[[], object]) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def best(fn: Callable[[], object], rounds: int = 3) -> float:
    return min(timed(fn) for _ in range(rounds))


def main() -> None:
    pods = make_pods(N)
    texts = [json.dumps(p) for p in pods]
    now = time.time()
    live = WatchState("live")

    def parse() -> None:
        for text in texts:
            json.loads(text)

    def rows() -> None:
        for pod in pods:
            pod_row(pod, now)

    def containers() -> None:
        for pod in pods:
            container_rows(pod, now)

    store = PodStore()
    store.apply(WatchUpdate("RELISTED", None, live, pods=pods))
    same = [copy.copy(p) for p in pods]

    def relist_unchanged() -> None:
        store.apply(WatchUpdate("RELISTED", None, live, pods=same))

    baseline = best(parse)
    print(f"json.loads of {N} pods: {baseline * 1000:.1f} ms (baseline)")
    for label, fn in (
        ("pod_row", rows),
        ("container_rows", containers),
        ("re-list diff, nothing changed", relist_unchanged),
    ):
        spent = best(fn)
        print(f"{label:32s} {spent * 1000:7.1f} ms  ratio {spent / baseline:5.2f} x json.loads")


if __name__ == "__main__":
    main()
