"""Paged lists folded into the store page by page, projections, one list per session at a
time, and the per-context rate limit: over real HTTPS against a `scale=N` sandbox."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.kube.clients import RateLimiter
from kdebug_tui.kube.projection import is_projection, project
from kdebug_tui.kube.render import container_rows, pod_row
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.kube.store import PodStore
from kdebug_tui.kube.watch import LIST_PAGE, WatchOptions, list_pages, watch_pods
from kdebug_tui.sandbox import Sandbox
from tests.conftest import load_fixture

N = 1300
OPTS = WatchOptions(inactivity_timeout=10.0, backoff_base=0.05, backoff_cap=0.2)


@pytest.fixture
async def big(tmp_path: Path) -> AsyncIterator[Sandbox]:
    async with Sandbox(port=0, workdir=tmp_path / "sb", demo=False, scale=N) as sb:
        yield sb


@pytest.fixture
async def session(big: Sandbox, tmp_path: Path) -> AsyncIterator[KubeSession]:
    async with await KubeSession.open(big.write_kubeconfig(tmp_path / "kc")) as s:
        yield s


async def test_pages_reach_the_store_one_by_one_before_the_list_ends(
    session: KubeSession, big: Sandbox
) -> None:
    store = PodStore()
    seen: list[tuple[str, int, int | None, int]] = []
    updates = watch_pods(session, None, OPTS)
    async with contextlib.aclosing(updates):
        async for update in updates:
            store.apply(update)
            if update.kind in ("PAGE", "RELISTED"):
                seen.append((update.kind, update.loaded, update.total, len(store)))
            if update.kind == "RELISTED":
                break
    pages = [s for s in seen if s[0] == "PAGE"]
    assert len(pages) == -(-N // LIST_PAGE)
    # The first page was in the store while the server still had the rest to send.
    assert pages[0] == ("PAGE", LIST_PAGE, N, LIST_PAGE)
    assert [p[1] for p in pages] == [min(N, LIST_PAGE * (i + 1)) for i in range(len(pages))]
    assert seen[-1] == ("RELISTED", N, None, N)
    assert not store.listing
    assert all(is_projection(p) for p in store.pods())


async def test_a_relist_drops_pods_that_went_away_and_keeps_the_rest_as_they_were(
    session: KubeSession, big: Sandbox
) -> None:
    from kdebug_tui.kube.watch import WatchState, WatchUpdate

    store = PodStore()
    first: dict[str, Any] = {}
    async for page, _, last, _ in list_pages(session, None, OPTS):
        store.apply(_update("PAGE", page))
        first.update({p["metadata"]["uid"]: p for p in page})
        if last:
            break
    store.apply(_update("RELISTED", [], paged=True))
    store.apply(WatchUpdate("ADDED", project(_ghost()), WatchState("live")))
    big.churn.step()  # created: the next list has one pod more
    kept = store.get(next(iter(first)))
    async for page, _, last, _ in list_pages(session, None, OPTS):
        store.apply(_update("PAGE", page))
        if last:
            break
    changed = store.apply(_update("RELISTED", [], paged=True))
    assert changed == {"ghost"}  # it was not in the list that ended
    assert len(store) == N + 1
    assert store.get(next(iter(first))) is kept  # an unchanged pod keeps its dict


async def test_one_full_list_per_session_at_a_time(session: KubeSession) -> None:
    order: list[str] = []

    async def lister(name: str) -> None:
        async for _, _, last, _ in list_pages(session, None, OPTS):
            order.append(name)
            await asyncio.sleep(0)
            if last:
                return

    await asyncio.gather(lister("a"), lister("b"))
    pages = -(-N // LIST_PAGE)
    assert order in (["a"] * pages + ["b"] * pages, ["b"] * pages + ["a"] * pages)


def test_projection_keeps_what_rows_and_triage_read_and_is_smaller() -> None:
    full = load_fixture("pod-with-ephemeral-containers.json")
    small = project(full)
    now = 1_795_300_000.0
    assert pod_row(small, now) == pod_row(full, now)
    assert container_rows(small, now) == container_rows(full, now)
    assert small["spec"]["ephemeralContainers"] == full["spec"]["ephemeralContainers"]
    assert "volumes" not in small["spec"] and "managedFields" not in small["metadata"]
    assert len(json.dumps(small)) < len(json.dumps(full)) * 0.8


async def test_rate_limiter_lets_a_burst_through_then_spaces_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def record(delay: float) -> None:
        waits.append(delay)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", record)
    limiter = RateLimiter(qps=10.0, burst=3)
    for _ in range(6):
        await limiter.acquire()
    assert len(waits) == 3
    assert all(0.05 < w <= 0.1 for w in waits)
    unlimited = RateLimiter(qps=0.0, burst=1)
    for _ in range(100):
        await unlimited.acquire()
    assert len(waits) == 3


def test_rate_limit_defaults_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    default = RateLimiter()
    assert (default.qps, default.burst) == (20.0, 50)
    monkeypatch.setenv("KDEBUG_API_QPS", "5")
    monkeypatch.setenv("KDEBUG_API_BURST", "10")
    assert (RateLimiter().qps, RateLimiter().burst) == (5.0, 10)


@pytest.mark.parametrize("state", ["running", "pending", "crashloop", "pullbackoff", "done"])
def test_projection_renders_like_the_pod_in_every_synthetic_state(state: str) -> None:
    from kdebug_tui.kube.triage import ephemeral_rows
    from kdebug_tui.sandbox.scale import Synthesizer

    pod = json.loads(json.dumps(Synthesizer(300).pod(state=state)))
    pod["spec"]["ephemeralContainers"] = [{"name": "dbg", "image": "busybox", "tty": True}]
    now = 1_795_300_000.0
    small = project(pod)
    assert pod_row(small, now) == pod_row(pod, now)
    assert container_rows(small, now) == container_rows(pod, now)
    assert ephemeral_rows([small], now) == ephemeral_rows([pod], now)


def _ghost() -> dict[str, Any]:
    return {"metadata": {"name": "ghost", "namespace": "x", "uid": "ghost", "resourceVersion": "1"}}


def _update(kind: str, pods: list[dict[str, Any]], *, paged: bool = False) -> Any:
    from kdebug_tui.kube.watch import WatchState, WatchUpdate

    return WatchUpdate(kind, None, WatchState("live"), pods=pods, paged=paged, loaded=len(pods))
