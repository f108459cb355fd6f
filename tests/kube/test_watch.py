"""watch_pods over real HTTP against a scripted API: list, watch, bookmarks, 410, errors."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.kube.session import KubeSession
from kdebug_tui.kube.watch import WatchOptions, WatchUpdate, watch_pods
from tests.kube.fake_api import FakeApi, status_body

FAST = WatchOptions(inactivity_timeout=5.0, backoff_base=0.01, backoff_cap=0.05, timeout_seconds=60)


def pod(name: str, rv: str, uid: str | None = None) -> dict[str, Any]:
    return {
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": uid or f"uid-{name}",
            "resourceVersion": rv,
        },
        "status": {"phase": "Running"},
    }


class Reader:
    """Consumes the generator in a task (as the app does) with bounded waits per update."""

    def __init__(self, gen: AsyncIterator[WatchUpdate]) -> None:
        self.gen = gen
        self.queue: asyncio.Queue[WatchUpdate] = asyncio.Queue()
        self.task = asyncio.create_task(self._pump())

    async def _pump(self) -> None:
        async for update in self.gen:
            self.queue.put_nowait(update)

    async def next(self, wait: float = 10.0) -> WatchUpdate:
        try:
            return await asyncio.wait_for(self.queue.get(), wait)
        except TimeoutError:
            raise AssertionError(f"no watch update within {wait} s") from None

    async def until(self, kind: str, wait: float = 10.0) -> WatchUpdate:
        seen = []
        while True:
            update = await self.next(wait)
            if update.kind == kind:
                return update
            seen.append((update.kind, update.state.state))
            if len(seen) > 50:
                raise AssertionError(f"no {kind} update; saw {seen}")

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


@pytest.fixture
async def api() -> AsyncIterator[FakeApi]:
    async with FakeApi() as fake:
        yield fake


@pytest.fixture
async def session(api: FakeApi, tmp_path: Path) -> AsyncIterator[KubeSession]:
    async with await KubeSession.open(api.kubeconfig(tmp_path / "kc")) as s:
        yield s


@contextlib.asynccontextmanager
async def watching(
    session: KubeSession, namespace: str | None = "default", options: WatchOptions = FAST
) -> AsyncIterator[Reader]:
    reader = Reader(watch_pods(session, namespace, options))
    try:
        yield reader
    finally:
        await reader.stop()


async def test_list_then_watch_from_list_version(api: FakeApi, session: KubeSession) -> None:
    api.pods = [pod("a", "5"), pod("b", "7")]
    async with watching(session) as r:
        first = await r.next()
        assert (first.kind, first.state.state) == ("STATE", "connecting")
        relisted = await r.until("RELISTED")
        assert [p["metadata"]["name"] for p in relisted.pods] == ["a", "b"]
        assert relisted.state.state == "live"
        conn = await api.next_watch()
        assert conn.query["resourceVersion"] == "10"
        assert conn.query["allowWatchBookmarks"] == "true"
        assert conn.query["timeoutSeconds"] == "60"
        assert api.requests[0].path == "/api/v1/namespaces/default/pods"

        conn.send("ADDED", pod("c", "11"))
        added = await r.until("ADDED")
        assert added.pod is not None and added.pod["metadata"]["name"] == "c"
        conn.send("MODIFIED", pod("c", "12"))
        assert (await r.until("MODIFIED")).resource_version == "12"
        conn.send("DELETED", pod("a", "13"))
        assert (await r.until("DELETED")).pod["metadata"]["name"] == "a"  # type: ignore[index]


async def test_bookmark_moves_version_and_eof_rewatches(api: FakeApi, session: KubeSession) -> None:
    async with watching(session) as r:
        await r.until("RELISTED")
        conn = await api.next_watch()
        conn.send("BOOKMARK", {"kind": "Pod", "metadata": {"resourceVersion": "55"}})
        conn.end()  # the server's timeoutSeconds ran out
        again = await api.next_watch()
        assert again.query["resourceVersion"] == "55"
        assert len(api.lists()) == 1  # no re-list for a normal end


async def test_all_namespaces_path(api: FakeApi, session: KubeSession) -> None:
    async with watching(session, None) as r:
        await r.until("RELISTED")
        conn = await api.next_watch()
        assert api.requests[-1].path == "/api/v1/pods"
        assert conn.query["watch"] == "true"


async def test_error_event_410_relists_even_twice_in_a_row(
    api: FakeApi, session: KubeSession
) -> None:
    api.pods = [pod("a", "5")]
    async with watching(session) as r:
        await r.until("RELISTED")
        conn = await api.next_watch()
        for n, version in enumerate(("20", "30"), start=2):
            api.list_version = version
            api.pods = [pod("a", "5"), pod(f"new{n}", version)]
            conn.send("ERROR", status_body(410, "Expired", "too old resource version: 10 (20)"))
            relisted = await r.until("RELISTED")
            assert len(relisted.pods) == 2 and relisted.resource_version == version
            assert len(api.lists()) == n
            conn = await api.next_watch()
            assert conn.query["resourceVersion"] == version


async def test_http_410_on_watch_relists(api: FakeApi, session: KubeSession) -> None:
    api.watch_failures = [
        (410, status_body(410, "Gone", "too old")),
        (410, status_body(410, "Gone", "x")),
    ]
    async with watching(session) as r:
        await r.until("RELISTED")
        await r.until("RELISTED")
        await r.until("RELISTED")
        await api.next_watch()
        assert len(api.lists()) == 3


async def test_server_error_reports_reconnecting_then_live(
    api: FakeApi, session: KubeSession
) -> None:
    api.watch_failures = [(500, status_body(500, "InternalError", "etcd is sad"))]
    async with watching(session) as r:
        await r.until("RELISTED")
        state = await r.until("STATE")
        assert state.state.state == "reconnecting"
        assert "etcd is sad" in state.state.message
        assert state.state.error is not None and state.state.error.status == 500
        live = await r.until("STATE")
        assert live.state.state == "live"
        conn = await api.next_watch()
        assert conn.query["resourceVersion"] == "10"  # re-watch, no re-list
        assert len(api.lists()) == 1


async def test_forbidden_list_reports_error_and_retries(api: FakeApi, session: KubeSession) -> None:
    message = (
        'pods is forbidden: User "bob" cannot list resource "pods" in API group "" '
        'in the namespace "default"'
    )
    api.list_failures = [(403, status_body(403, "Forbidden", message))]
    async with watching(session) as r:
        state = await r.until("STATE")
        while state.state.state == "connecting":
            state = await r.until("STATE")
        assert state.state.state == "error"
        assert state.state.message == "Forbidden: you may not list pods in namespace default"
        await r.until("RELISTED")  # the next attempt succeeds


async def test_inactivity_reconnects(api: FakeApi, session: KubeSession) -> None:
    opts = WatchOptions(inactivity_timeout=0.3, backoff_base=0.01, backoff_cap=0.05)
    async with watching(session, options=opts) as r:
        await r.until("RELISTED")
        first = await api.next_watch()
        state = await r.until("STATE")
        assert state.state.state == "reconnecting" and "no events" in state.state.message
        second = await api.next_watch()
        assert second.query["resourceVersion"] == "10"
        await asyncio.wait_for(first.closed.wait(), 5)


async def test_garbage_line_is_an_error_not_a_crash(api: FakeApi, session: KubeSession) -> None:
    async with watching(session) as r:
        await r.until("RELISTED")
        conn = await api.next_watch()
        conn.raw(b"\x1b[2J not json\n")
        state = await r.until("STATE")
        assert state.state.state in ("error", "reconnecting")
        assert "not JSON" in state.state.message
        conn2 = await api.next_watch()
        conn2.send("ADDED", pod("z", "99"))
        assert (await r.until("ADDED")).pod["metadata"]["name"] == "z"  # type: ignore[index]


async def test_event_split_across_chunks(api: FakeApi, session: KubeSession) -> None:
    async with watching(session) as r:
        await r.until("RELISTED")
        conn = await api.next_watch()
        line = (
            b'{"type":"ADDED","object":{"metadata":'
            b'{"name":"s","uid":"u-s","resourceVersion":"40"}}}\n'
        )
        conn.raw(line[:17])
        conn.raw(line[17:])
        assert (await r.until("ADDED")).pod["metadata"]["name"] == "s"  # type: ignore[index]


async def test_closing_the_generator_releases_the_connection(
    api: FakeApi, session: KubeSession
) -> None:
    gen = watch_pods(session, "default", FAST)
    kinds = []
    while "RELISTED" not in kinds:
        kinds.append((await asyncio.wait_for(anext(gen), 10)).kind)
    pending = asyncio.ensure_future(anext(gen))  # opens the watch and waits for an event
    conn = await api.next_watch()
    conn.send("ADDED", pod("c", "11"))
    assert (await asyncio.wait_for(pending, 10)).kind in ("ADDED", "STATE")
    await gen.aclose()  # type: ignore[attr-defined]
    await asyncio.wait_for(conn.closed.wait(), 5)


async def test_cancelling_the_consumer_releases_the_connection(
    api: FakeApi, session: KubeSession
) -> None:
    got_list = asyncio.Event()

    async def consume() -> None:
        async for update in watch_pods(session, "default", FAST):
            if update.kind == "RELISTED":
                got_list.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(got_list.wait(), 10)
    conn = await api.next_watch()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await asyncio.wait_for(conn.closed.wait(), 5)


async def test_repeated_watch_failures_end_in_a_relist(api: FakeApi, session: KubeSession) -> None:
    api.watch_failures = [(503, status_body(503, "ServiceUnavailable", "busy"))] * 3
    async with watching(session) as r:
        await r.until("RELISTED")
        second = await r.until("RELISTED")  # after the third failure in a row
        assert second.state.state == "live"
        conn = await api.next_watch()
        assert conn.query["resourceVersion"] == "10"
        assert len(api.lists()) == 2
        assert sum(1 for q in api.requests if q.query.get("watch")) == 4


async def test_selectors_reach_list_and_watch(api: FakeApi, session: KubeSession) -> None:
    options = WatchOptions(
        label_selector="app=web", field_selector="metadata.name=p", backoff_base=0.01
    )
    async with watching(session, options=options) as r:
        await r.until("RELISTED")
        conn = await api.next_watch()
    listed = api.lists()[0].query
    assert (listed["labelSelector"], listed["fieldSelector"]) == ("app=web", "metadata.name=p")
    assert (conn.query["labelSelector"], conn.query["fieldSelector"]) == (
        "app=web",
        "metadata.name=p",
    )
    assert listed["limit"] == "500"


async def test_list_follows_continue_pages(api: FakeApi, session: KubeSession) -> None:
    from kdebug_tui.kube.watch import list_pods

    pages = [
        {"metadata": {"continue": "page2", "resourceVersion": "7"}, "items": [pod("a", "1")]},
        {"metadata": {"resourceVersion": "8"}, "items": [pod("b", "2")]},
    ]
    api.list_pages = pages
    pods, version = await list_pods(session, "default")
    assert [p["metadata"]["name"] for p in pods] == ["a", "b"]
    assert version == "8"
    assert api.lists()[1].query["continue"] == "page2"
