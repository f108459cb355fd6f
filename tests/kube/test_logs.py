"""Container logs over the raw HTTP response, and the read-only logs backend."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.inject import wait_for_container
from kdebug_tui.kube.logs import LogsBackend, stream_logs
from kdebug_tui.kube.session import KubeSession
from tests.kube.e2e import shared_sandbox_fixtures

pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_sandbox, shared_kube = shared_sandbox_fixtures()


async def make_pod(kube: KubeSession, name: str, script: str, image: str = "busybox") -> None:
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"containers": [{"name": "app", "image": image, "command": ["sh", "-c", script]}]},
    }
    await kube.request_json("POST", "/api/v1/namespaces/default/pods", body=body)


async def collect(stream: Any) -> bytes:
    return b"".join([chunk async for chunk in stream])


async def test_logs_whole_and_tail(shared_kube: KubeSession) -> None:
    await make_pod(shared_kube, "three-lines", "echo one; echo two; echo three; sleep 3600")
    await wait_for_container(shared_kube, "default", "three-lines", "app", timeout=20)
    text = b""
    for _ in range(50):  # the lines may not be written the instant the container runs
        text = await collect(stream_logs(shared_kube, "default", "three-lines", "app"))
        if text.count(b"\n") == 3:
            break
        await asyncio.sleep(0.05)
    assert text == b"one\ntwo\nthree\n"
    tail = await collect(stream_logs(shared_kube, "default", "three-lines", "app", tail_lines=1))
    assert tail == b"three\n"


async def test_follow_streams_new_lines(shared_kube: KubeSession) -> None:
    await make_pod(shared_kube, "ticker", "echo first; read x; echo second; sleep 3600")
    await wait_for_container(shared_kube, "default", "ticker", "app", timeout=20)
    stream = stream_logs(shared_kube, "default", "ticker", "app", follow=True)
    seen = b""
    async for chunk in stream:
        seen += chunk
        if b"first\n" in seen:
            break
    await stream.aclose()  # closing a follow stream releases the connection
    assert seen.startswith(b"first\n")


async def test_previous_without_restart_is_a_clear_error(shared_kube: KubeSession) -> None:
    await make_pod(shared_kube, "no-restart", "sleep 3600")
    await wait_for_container(shared_kube, "default", "no-restart", "app", timeout=20)
    with pytest.raises(KubeError) as info:
        await collect(stream_logs(shared_kube, "default", "no-restart", "app", previous=True))
    assert info.value.status == 400
    assert str(info.value) == (
        'Logs unavailable: previous terminated container "app" in pod "no-restart" not found'
    )


async def test_waiting_container_is_a_clear_error(shared_kube: KubeSession) -> None:
    await make_pod(shared_kube, "no-image", "true", image="example.invalid/none:1")
    with pytest.raises(KubeError) as info:
        await collect(stream_logs(shared_kube, "default", "no-image", "app"))
    assert info.value.status == 400
    assert 'container "app" in pod "no-image" is waiting to start' in info.value.message
    assert info.value.title == "Logs unavailable"


async def test_logs_backend_translates_newlines_across_chunks(shared_kube: KubeSession) -> None:
    await make_pod(shared_kube, "crlf", "printf 'a\\r\\nb\\nc\\n'; sleep 3600")
    await wait_for_container(shared_kube, "default", "crlf", "app", timeout=20)
    for _ in range(50):
        if (await collect(stream_logs(shared_kube, "default", "crlf", "app"))).endswith(b"c\n"):
            break
        await asyncio.sleep(0.05)
    backend = LogsBackend(shared_kube, "default", "crlf", "app")
    await backend.start(80, 24)
    out = b""
    while chunk := await backend.read():
        out += chunk
    assert out == b"a\r\nb\r\nc\r\n"
    assert backend.exit is not None and backend.exit.reason == "closed"
    await backend.write(b"ignored")  # logs take no input
    # Chunk boundaries between \r and \n must not double the carriage return.
    assert backend._crlf(b"x\r") + backend._crlf(b"\ny\n") == b"x\r\ny\r\n"
