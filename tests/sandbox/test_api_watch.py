"""Watches: events in order, bookmarks, 410 for expired versions, timeouts, faults."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from tests.sandbox.helpers import TABLE, Api

POD = {
    "metadata": {"name": "watched"},
    "spec": {"containers": [{"name": "c", "image": "busybox", "command": ["sleep", "60"]}]},
}


@asynccontextmanager
async def watch(api: Api, path: str, **params: str) -> AsyncIterator[Any]:
    headers = {"Authorization": f"Bearer {api.sb.admin_token}"}
    accept = params.pop("accept", None)
    if accept:
        headers["Accept"] = accept
    async with api.session.get(
        api.sb.url + path, params={"watch": "true", **params}, headers=headers
    ) as r:
        assert r.status == 200
        yield r


async def next_event(r: aiohttp.ClientResponse, within: float = 10.0) -> dict[str, Any] | None:
    line = await asyncio.wait_for(r.content.readline(), within)
    return json.loads(line) if line else None


async def events_until(
    r: aiohttp.ClientResponse, predicate: Any, within: float = 10.0
) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    async with asyncio.timeout(within):
        while True:
            event = await next_event(r, within)
            assert event is not None, f"stream ended after {[(e['type']) for e in seen]}"
            seen.append(event)
            if predicate(event):
                return seen


async def test_watch_from_list_version_sees_add_modify_delete(api: Api) -> None:
    _, listing = await api.get("/api/v1/namespaces/default/pods")
    rv = listing["metadata"]["resourceVersion"]
    async with watch(
        api,
        "/api/v1/namespaces/default/pods",
        resourceVersion=rv,
        fieldSelector="metadata.name=watched",
    ) as r:
        status, _ = await api.call("POST", "/api/v1/namespaces/default/pods", body=POD)
        assert status == 201
        first = await next_event(r)
        assert first is not None and first["type"] == "ADDED" and first["object"]["kind"] == "Pod"
        assert first["object"]["metadata"]["name"] == "watched"
        await events_until(
            r, lambda e: "running" in str(e["object"].get("status", {}).get("containerStatuses"))
        )
        status, _ = await api.call(
            "DELETE", "/api/v1/namespaces/default/pods/watched", params={"gracePeriodSeconds": "1"}
        )
        assert status == 200
        seen = await events_until(r, lambda e: e["type"] == "DELETED")
        assert any(e["object"]["metadata"].get("deletionTimestamp") for e in seen[:-1])
    assert api.sb.cluster.get_pod("default", "watched") is None


async def test_watch_without_version_starts_with_the_current_state(api: Api) -> None:
    async with watch(
        api,
        "/api/v1/pods",
        fieldSelector="metadata.namespace=shop",
        labelSelector="app in (cart-7d9f,redis)",
    ) as r:
        names = {(await next_event(r))["object"]["metadata"]["name"] for _ in range(2)}  # type: ignore[index]
        assert names == {"cart-7d9f", "redis-0"}


async def test_bookmarks_when_asked(api: Api) -> None:
    api.sb.watch_settings.bookmark_interval = 0.2
    _, listing = await api.get("/api/v1/namespaces/shop/pods")
    rv = listing["metadata"]["resourceVersion"]
    async with watch(
        api, "/api/v1/namespaces/shop/pods", resourceVersion=rv, allowWatchBookmarks="true"
    ) as r:
        seen = await events_until(r, lambda e: e["type"] == "BOOKMARK", within=5)
        bookmark = seen[-1]["object"]
        assert bookmark["kind"] == "Pod" and int(bookmark["metadata"]["resourceVersion"]) >= int(rv)


async def test_expired_version_is_410_as_an_error_event(api: Api) -> None:
    _, listing = await api.get("/api/v1/pods")
    rv = listing["metadata"]["resourceVersion"]
    async with watch(api, "/api/v1/pods", resourceVersion=rv) as r:
        api.sb.faults.expire_watches()
        seen = await events_until(r, lambda e: e["type"] == "ERROR")
        assert seen[-1]["object"]["code"] == 410 and seen[-1]["object"]["reason"] == "Expired"
        assert await next_event(r) is None  # the stream ends
    async with watch(api, "/api/v1/pods", resourceVersion=rv) as r:
        event = await next_event(r)
        assert event is not None and event["type"] == "ERROR" and event["object"]["code"] == 410
        assert event["object"]["message"].startswith(f"too old resource version: {rv}")
    _, fresh = await api.get("/api/v1/namespaces/shop/pods")
    version = fresh["metadata"]["resourceVersion"]
    async with watch(
        api, "/api/v1/namespaces/shop/pods", resourceVersion=version, timeoutSeconds="1"
    ) as r:
        while (event := await next_event(r, within=5)) is not None:
            assert event["type"] != "ERROR", event  # fresh versions work


async def test_timeout_seconds_ends_the_stream(api: Api) -> None:
    _, listing = await api.get("/api/v1/namespaces/default/pods")
    async with watch(
        api,
        "/api/v1/namespaces/default/pods",
        resourceVersion=listing["metadata"]["resourceVersion"],
        timeoutSeconds="1",
    ) as r:
        loop = asyncio.get_running_loop()
        start = loop.time()
        while await next_event(r, within=5) is not None:
            pass  # pods of the demo are still starting
        assert loop.time() - start < 4


async def test_stalled_watch_sends_nothing_more(api: Api) -> None:
    _, listing = await api.get("/api/v1/namespaces/default/pods")
    async with watch(
        api,
        "/api/v1/namespaces/default/pods",
        resourceVersion=listing["metadata"]["resourceVersion"],
    ) as r:
        api.sb.faults.stall_watches()
        await api.call("POST", "/api/v1/namespaces/default/pods", body=POD)
        try:
            event = await next_event(r, within=0.7)
        except TimeoutError:
            event = None
        assert event is None
    api.sb.faults.clear()
    async with watch(
        api, "/api/v1/namespaces/default/pods", fieldSelector="metadata.name=watched"
    ) as r:
        event = await next_event(r)
        assert event is not None and event["type"] == "ADDED"


async def test_table_watch_wraps_rows(api: Api) -> None:
    _, listing = await api.get("/api/v1/namespaces/default/pods")
    rv = listing["metadata"]["resourceVersion"]
    async with watch(api, "/api/v1/namespaces/default/pods", resourceVersion=rv, accept=TABLE) as r:
        await api.call("POST", "/api/v1/namespaces/default/pods", body=POD)
        first = await next_event(r)
        assert first is not None and first["object"]["kind"] == "Table"
        assert first["object"]["columnDefinitions"][0]["name"] == "Name"
        assert first["object"]["rows"][0]["cells"][0] == "watched"
        second = await next_event(r)
        assert second is not None and second["object"]["kind"] == "Table"
        assert (
            "columnDefinitions" not in second["object"] or not second["object"]["columnDefinitions"]
        )


async def test_injected_failures_and_delays(api: Api) -> None:
    api.sb.faults.fail("list", "pods", status=500, message="etcd is on fire")
    status, body = await api.get("/api/v1/pods")
    assert status == 500 and body["kind"] == "Status" and body["message"] == "etcd is on fire"
    assert body["reason"] == "InternalError"
    status, _ = await api.get("/api/v1/pods")
    assert status == 200  # times=1
    api.sb.faults.fail("patch", "pods/ephemeralcontainers", status=404, name="multi", times=2)
    for _ in range(2):
        status, body = await api.call(
            "PATCH",
            "/api/v1/namespaces/default/pods/multi/ephemeralcontainers",
            body={"spec": {"ephemeralContainers": [{"name": "d", "image": "busybox"}]}},
            content_type="application/strategic-merge-patch+json",
        )
        assert status == 404 and body["reason"] == "NotFound"
    api.sb.faults.delay("get", "pods", 0.3)
    loop = asyncio.get_running_loop()
    start = loop.time()
    status, _ = await api.get("/api/v1/namespaces/default/pods/multi")
    assert status == 200 and loop.time() - start >= 0.3
    api.sb.faults.fail("get", "pods", status=403, times=5)
    api.sb.faults.clear()
    status, _ = await api.get("/api/v1/namespaces/default/pods/multi")
    assert status == 200
