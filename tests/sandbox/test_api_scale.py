"""A big sandbox (`scale=N`): chunked lists, 410 for a compacted continue token, Tables and
metadata-only lists per page, churn seen through a real watch, and the real kubectl."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from kdebug_tui.sandbox import Sandbox
from kdebug_tui.sandbox.paging import CONTINUE_EXPIRED
from tests.sandbox.helpers import TABLE, Api
from tests.sandbox.kubectl import Kubectl

N = 1200
PARTIAL = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def big(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Sandbox]:
    async with Sandbox(port=0, workdir=tmp_path_factory.mktemp("big"), demo=False, scale=N) as sb:
        yield sb


@pytest_asyncio.fixture(loop_scope="module")
async def api(big: Sandbox) -> AsyncIterator[Api]:
    connector = aiohttp.TCPConnector(ssl=big.client_ssl_context())
    async with aiohttp.ClientSession(connector=connector) as session:
        yield Api(big, session)


async def _all_pages(
    api: Api, limit: int, headers: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    pages = []
    token = ""
    while True:
        params = {"limit": str(limit)}
        if token:
            params["continue"] = token
        status, body = await api.get("/api/v1/pods", params=params, headers=headers)
        assert status == 200, body
        pages.append(body)
        token = body["metadata"].get("continue", "")
        if not token:
            return pages


@pytest.mark.asyncio(loop_scope="module")
async def test_pages_cover_every_pod_once_at_one_version_while_pods_change(
    api: Api, big: Sandbox
) -> None:
    status, first = await api.get("/api/v1/pods", params={"limit": "500"})
    assert status == 200
    meta = first["metadata"]
    assert len(first["items"]) == 500
    assert meta["remainingItemCount"] == N - 500
    # A change after the first page must not leak into the rest of this list.
    big.churn.step()  # created
    big.churn.step()  # restarting
    big.churn.step()  # deleted
    names = [(p["metadata"]["namespace"], p["metadata"]["name"]) for p in first["items"]]
    token = meta["continue"]
    while token:
        status, page = await api.get("/api/v1/pods", params={"limit": "500", "continue": token})
        assert status == 200
        assert page["metadata"]["resourceVersion"] == meta["resourceVersion"]
        names += [(p["metadata"]["namespace"], p["metadata"]["name"]) for p in page["items"]]
        token = page["metadata"].get("continue", "")
    assert len(names) == len(set(names)) == N
    assert names == sorted(names)
    status, now = await api.get("/api/v1/pods")
    assert status == 200 and len(now["items"]) == N  # one created, one deleted


@pytest.mark.asyncio(loop_scope="module")
async def test_compacted_continue_token_is_410_expired_with_a_token_for_the_rest(
    api: Api, big: Sandbox
) -> None:
    status, first = await api.get("/api/v1/pods", params={"limit": "100"})
    assert status == 200
    big.faults.expire_watches()
    status, body = await api.get(
        "/api/v1/pods", params={"limit": "100", "continue": first["metadata"]["continue"]}
    )
    assert status == 410
    assert body["reason"] == "Expired" and body["code"] == 410 and body["status"] == "Failure"
    assert body["message"] == CONTINUE_EXPIRED
    # The token in the Status continues (inconsistently) after the last pod served.
    status, rest = await api.get(
        "/api/v1/pods", params={"limit": "100", "continue": body["metadata"]["continue"]}
    )
    assert status == 200
    last = first["items"][-1]["metadata"]
    following = rest["items"][0]["metadata"]
    assert (following["namespace"], following["name"]) > (last["namespace"], last["name"])


@pytest.mark.asyncio(loop_scope="module")
async def test_a_token_older_than_the_compaction_window_expires(api: Api, big: Sandbox) -> None:
    from kdebug_tui.sandbox.paging import pager_for

    pager = pager_for(big.cluster)
    status, first = await api.get("/api/v1/pods", params={"limit": "100"})
    assert status == 200
    pager.compaction_seconds = 0.0
    try:
        status, body = await api.get(
            "/api/v1/pods", params={"limit": "100", "continue": first["metadata"]["continue"]}
        )
    finally:
        pager.compaction_seconds = 300.0
    assert status == 410 and body["reason"] == "Expired"


@pytest.mark.asyncio(loop_scope="module")
async def test_garbage_continue_token_is_400(api: Api) -> None:
    status, body = await api.get("/api/v1/pods", params={"limit": "5", "continue": "nope"})
    assert status == 400 and body["reason"] == "BadRequest"


@pytest.mark.asyncio(loop_scope="module")
async def test_table_pages_and_metadata_only_pages(api: Api) -> None:
    tables = await _all_pages(api, 400, {"Accept": TABLE})
    assert [len(t["rows"]) for t in tables] == [400, 400, 400]
    assert "columnDefinitions" in tables[0]
    row = tables[0]["rows"][0]
    assert row["object"]["kind"] == "PartialObjectMetadata"
    assert len(row["cells"]) == 9
    partial = await _all_pages(api, 700, {"Accept": PARTIAL})
    assert partial[0]["kind"] == "PartialObjectMetadataList"
    items = partial[0]["items"] + partial[1]["items"]
    assert len(items) == N
    assert all(set(i) == {"kind", "apiVersion", "metadata"} for i in items)


@pytest.mark.asyncio(loop_scope="module")
async def test_namespace_page_and_selector_page(api: Api, big: Sandbox) -> None:
    ns = "team-0003"
    status, body = await api.get(f"/api/v1/namespaces/{ns}/pods", params={"limit": "1000"})
    assert status == 200
    expected = len(big.cluster.keys("pods", ns))
    assert expected > 0 and len(body["items"]) == expected
    assert {p["metadata"]["namespace"] for p in body["items"]} == {ns}
    status, body = await api.get(
        "/api/v1/pods", params={"limit": "50", "fieldSelector": "status.phase=Pending"}
    )
    assert status == 200
    assert body["items"] and all(p["status"]["phase"] == "Pending" for p in body["items"])
    assert "remainingItemCount" not in body["metadata"]  # a selector makes the count a guess


@pytest.mark.asyncio(loop_scope="module")
async def test_churn_sends_created_restarting_and_deleted_through_a_watch(
    api: Api, big: Sandbox
) -> None:
    rv = big.cluster.resource_version
    url = f"{big.url}/api/v1/pods?watch=true&resourceVersion={rv}&allowWatchBookmarks=true"
    headers = {"Authorization": f"Bearer {big.admin_token}"}
    seen: list[tuple[str, Any]] = []
    async with api.session.get(url, headers=headers) as resp:
        for _ in range(6):
            big.churn.step()
        async with asyncio.timeout(20):
            while len(seen) < 6:
                line = await resp.content.readline()
                event = json.loads(line)
                if event["type"] != "BOOKMARK":
                    seen.append((event["type"], event["object"]))
    kinds = [kind for kind, _ in seen]
    assert kinds.count("ADDED") == 2 and kinds.count("DELETED") == 2
    restarted = [obj for kind, obj in seen if kind == "MODIFIED"]
    assert len(restarted) == 2
    assert all(o["status"]["containerStatuses"][0]["restartCount"] >= 1 for o in restarted)


@pytest.mark.asyncio(loop_scope="module")
async def test_churn_rate_runs_on_its_own(big: Sandbox) -> None:
    enough = asyncio.Event()
    changes: list[Any] = []

    def count(change: Any) -> None:
        changes.append(change)
        if len(changes) >= 30:
            enough.set()

    big.cluster.listeners.append(count)
    big.churn.rate = 200.0
    try:
        async with asyncio.timeout(20):
            await enough.wait()
    finally:
        big.churn.rate = 0.0
        big.cluster.listeners.remove(count)
    kinds = {c.type for c in changes}
    assert kinds == {"ADDED", "MODIFIED", "DELETED"}
    assert len(big.cluster.keys("pods")) == pytest.approx(N, abs=30)


@pytest.mark.asyncio(loop_scope="module")
async def test_real_kubectl_pages_through_every_pod(big: Sandbox, tmp_path: Path) -> None:
    path = shutil.which("kubectl")
    if path is None:
        pytest.skip("kubectl is not installed on this machine")
    kubectl = Kubectl(path, big.write_kubeconfig(tmp_path / "kubeconfig"), tmp_path / "home")
    result = await kubectl("get", "pods", "-A", "--no-headers", "-v=6", within=60)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) == len(big.cluster.keys("pods"))
    # kubectl asked in chunks of 500 (its default --chunk-size) and followed the tokens.
    assert result.err.count("limit=500") >= 3
    assert "continue=" in result.err
