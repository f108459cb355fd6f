"""Against a real cluster (KDEBUG_TEST_KUBECONFIG): open, list, watch, ask access."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from kdebug_tui.kube.access import AccessChecker
from kdebug_tui.kube.render import pod_row
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.kube.watch import WatchOptions, list_pods, watch_pods

pytestmark = pytest.mark.cluster


async def test_list_and_watch_pods_on_a_real_cluster(real_cluster_kubeconfig: Path) -> None:
    async with await KubeSession.open(real_cluster_kubeconfig) as session:
        assert session.context in {c.name for c in session.contexts}
        pods, version = await list_pods(session, None)
        assert version
        for pod in pods:
            row = pod_row(pod, time.time())
            assert row.name and row.ready.count("/") == 1
        gen = watch_pods(session, None, WatchOptions(timeout_seconds=30))
        try:
            kinds = []
            async with asyncio.timeout(30):
                async for update in gen:
                    kinds.append(update.kind)
                    if update.kind == "RELISTED":
                        assert len(update.pods) >= len(pods) - 5
                        break
            assert kinds[0] == "STATE"
        finally:
            await gen.aclose()  # type: ignore[attr-defined]
        summary = await AccessChecker(session).summary(session.namespace)
        assert summary["list pods"] is True
