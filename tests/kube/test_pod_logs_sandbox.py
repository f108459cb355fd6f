"""Log slicing against the sandbox: all containers with kubectl's prefix (the same text as
`kubectl logs --all-containers --prefix`), follow across containers, tail, timestamps,
since, and saving to a private file."""

from __future__ import annotations

import asyncio
import re
import stat
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.kube.inject import wait_for_container
from kdebug_tui.kube.pod_logs import (
    LogOptions,
    log_containers,
    parse_since,
    pod_log_stream,
    save_logs,
)
from kdebug_tui.kube.session import KubeSession
from tests.sandbox.kubectl import Kubectl

TWO = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "two"},
    "spec": {
        "initContainers": [
            {"name": "setup", "image": "busybox", "command": ["sh", "-c", "echo ready"]}
        ],
        "containers": [
            {
                "name": "a",
                "image": "busybox",
                "command": ["sh", "-c", "echo a1; echo a2; echo a3; sleep 3600"],
            },
            {
                "name": "b",
                "image": "busybox",
                "command": ["sh", "-c", "echo b1; echo b2; sleep 3600"],
            },
        ],
    },
}


@pytest.fixture
async def session(sandbox: Any, kubeconfig: Path) -> AsyncIterator[KubeSession]:
    async with await KubeSession.open(kubeconfig) as s:
        await s.request_json("POST", "/api/v1/namespaces/default/pods", body=TWO)
        for c in ("a", "b"):
            await wait_for_container(s, "default", "two", c, timeout=20)
        yield s


async def text_of(session: KubeSession, pod: Any, container: str | None, **kw: Any) -> str:
    chunks = [c async for c in pod_log_stream(session, "default", pod, container, LogOptions(**kw))]
    return b"".join(chunks).decode()


async def settled_text(session: KubeSession, pod: Any, needles: list[str], **kw: Any) -> str:
    """The containers write their lines as they start: read until every line is there."""
    async with asyncio.timeout(20):
        while True:
            text = await text_of(session, pod, None, **kw)
            if all(n in text for n in needles):
                return text
            await asyncio.sleep(0.1)


def blocks_by_container(text: str) -> dict[str, list[str]]:
    blocks: dict[str, list[str]] = {}
    for line in text.splitlines():
        prefix = line.split("] ", 1)[0]
        blocks.setdefault(prefix, []).append(line)
    return blocks


async def test_all_containers_as_kubectl_prints_them(
    session: KubeSession, sandbox: Any, kubectl_path: str, kubeconfig: Path, tmp_path: Path
) -> None:
    pod = sandbox.cluster.get("pods", "default", "two")
    assert log_containers(pod) == ["setup", "a", "b"]
    ours = await settled_text(session, pod, ["a3", "b2"], all_containers=True)
    assert ours.splitlines() == [
        "[pod/two/setup] ready",
        "[pod/two/a] a1",
        "[pod/two/a] a2",
        "[pod/two/a] a3",
        "[pod/two/b] b1",
        "[pod/two/b] b2",
    ]
    kubectl = Kubectl(kubectl_path, kubeconfig, tmp_path / "home")
    r = await kubectl("logs", "two", "--all-containers", "--prefix")
    assert r.code == 0, r.err
    # kubectl keeps its per-container requests in a Go map, so the order of the containers'
    # blocks changes from run to run; each block, and every line in it, must be the same.
    assert blocks_by_container(r.out) == blocks_by_container(ours)
    alone = await text_of(session, pod, "a", tail_lines=1)
    assert alone == "a3\n"
    stamped = await text_of(session, pod, "b", timestamps=True)
    assert all(
        re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z b\d$", line)
        for line in stamped.splitlines()
    ), stamped
    assert await text_of(session, pod, "b", since_time="2999-01-01T00:00:00Z") == ""
    assert await text_of(session, pod, "b", since_seconds=3600) == "b1\nb2\n"


async def test_follow_interleaves_whole_lines(session: KubeSession, sandbox: Any) -> None:
    pod = sandbox.cluster.get("pods", "default", "two")
    seen = b""
    stream = pod_log_stream(
        session, "default", pod, None, LogOptions(follow=True, all_containers=True)
    )
    async with asyncio.timeout(20):
        async for chunk in stream:
            seen += chunk
            if b"a3" in seen and b"b2" in seen:
                break
    await stream.aclose()  # type: ignore[attr-defined]
    lines = seen.decode().splitlines()
    assert all(re.match(r"\[pod/two/(setup|a|b)\] \w+$", line) for line in lines), lines


async def test_save_to_a_private_file(session: KubeSession, sandbox: Any, tmp_path: Path) -> None:
    pod = sandbox.cluster.get("pods", "default", "two")
    await settled_text(session, pod, ["a3", "b2"], all_containers=True)
    target = tmp_path / "two.log"
    written = await save_logs(
        session, "default", pod, None, target, LogOptions(all_containers=True, follow=True)
    )
    assert written == len(target.read_bytes()) and b"[pod/two/b] b2\n" in target.read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_since_durations() -> None:
    assert parse_since("30s") == 30 and parse_since("1h30m") == 5400 and parse_since("5m") == 300
    for bad in ("", "5", "m", "-5s", "1d"):
        with pytest.raises(ValueError):
            parse_since(bad)
