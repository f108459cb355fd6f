"""Sandbox API server under load: does a watch event's latency grow with the number of pods?

Method (one process, ratios between sizes measured in the same run):
- a Sandbox without the demo; N pods pinned to a node that does not exist (so no processes
  run and only the API server is measured), N = 10 and N = 1,000;
- "list": GET /api/v1/pods as JSON and as a kubectl Table, mean of 20 requests;
- "patch -> event": a merge patch of one pod's labels, timed until an open watch (field
  selector on that pod) delivers the MODIFIED line; median of 50, with 5 other watches open.
Target: the patch -> event median at 1,000 pods <= 2x the one at 10 pods (watch fan-out does
not scan the store); list time grows about linearly with N (it has to serialise N pods).

Run: .venv/bin/python bench/sandbox_api.py
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp

from kdebug_tui.sandbox import Sandbox

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


async def _measure(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        async with Sandbox(port=0, workdir=Path(tmp), demo=False) as sb:
            headers = {"Authorization": f"Bearer {sb.admin_token}"}
            https = aiohttp.TCPConnector(ssl=sb.client_ssl_context())  # it serves HTTPS only
            async with aiohttp.ClientSession(headers=headers, connector=https) as s:
                for i in range(n):
                    body = {
                        "metadata": {"name": f"p{i}", "labels": {"app": "bench"}},
                        "spec": {
                            "nodeName": "not-a-node",
                            "containers": [{"name": "c", "image": "busybox"}],
                        },
                    }
                    async with s.post(f"{sb.url}/api/v1/namespaces/default/pods", json=body) as r:
                        assert r.status == 201, await r.text()
                result: dict[str, float] = {}
                for label, accept in (("list", "application/json"), ("table", TABLE)):
                    start = time.perf_counter()
                    for _ in range(20):
                        async with s.get(f"{sb.url}/api/v1/pods", headers={"Accept": accept}) as r:
                            await r.read()
                    result[label] = (time.perf_counter() - start) / 20 * 1000
                result["event"] = await _event_latency(sb, s)
                return result


async def _event_latency(sb: Any, s: aiohttp.ClientSession) -> float:
    others = [
        await s.get(f"{sb.url}/api/v1/pods", params={"watch": "true", "resourceVersion": "1000000"})
        for _ in range(5)
    ]
    async with s.get(f"{sb.url}/api/v1/namespaces/default/pods") as r:
        rv = (await r.json())["metadata"]["resourceVersion"]
    params = {"watch": "true", "resourceVersion": rv, "fieldSelector": "metadata.name=p1"}
    samples = []
    async with s.get(f"{sb.url}/api/v1/namespaces/default/pods", params=params) as watch:
        for i in range(50):
            patch = json.dumps({"metadata": {"labels": {"i": str(i)}}})
            start = time.perf_counter()
            async with s.patch(
                f"{sb.url}/api/v1/namespaces/default/pods/p1",
                data=patch,
                headers={"Content-Type": "application/merge-patch+json"},
            ) as r:
                await r.read()
            await watch.content.readline()
            samples.append((time.perf_counter() - start) * 1000)
    for other in others:
        other.close()
    return statistics.median(samples)


async def main() -> int:
    small = await _measure(10)
    large = await _measure(1000)
    for name, unit in (("list", "ms/request"), ("table", "ms/request"), ("event", "ms median")):
        print(f"{name:6} N=10: {small[name]:8.2f}  N=1000: {large[name]:8.2f} {unit}")
    ratio = large["event"] / small["event"]
    print(f"patch -> event ratio 1000/10: {ratio:.2f} (target <= 2)")
    return 0 if ratio <= 2.0 else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
