"""KubeError: Status bodies and network failures become short, safe, plain-text messages."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from kubernetes_asyncio.client.exceptions import ApiException

from kdebug_tui.kube.errors import MAX_TEXT, KubeError, from_status, sanitize, to_kube_error
from kdebug_tui.kube.session import KubeSession
from tests.conftest import load_fixture
from tests.kube.fake_api import FakeApi, status_body


def recorded(case: str) -> dict[str, Any]:
    return next(c for c in load_fixture("status-bodies.json") if c["case"] == case)


@pytest.mark.parametrize(
    "case",
    [
        "ports+resources",
        "target-notfound",
        "subpath",
        "probe+lifecycle",
        "no-image",
        "merge-remove",
    ],
)
def test_recorded_422_lists_every_cause_on_its_own_line(case: str) -> None:
    body = recorded(case)["response"]
    err = from_status(422, body, resource="pods/ephemeralcontainers", namespace="default")
    assert err.status == 422 and err.reason == "Invalid" and err.title == "Invalid"
    lines = err.message.split("\n")
    assert lines[0] == "Pod demo was rejected:"
    causes = body["details"]["causes"]
    assert len(lines) == 1 + len(causes) == 1 + len(err.causes)
    for line, cause in zip(lines[1:], causes, strict=True):
        assert line == f"{cause['field']}: {cause['message'].strip()}"
    assert not err.retryable


def test_recorded_target_not_found_text() -> None:
    err = from_status(422, recorded("target-notfound")["response"])
    assert err.causes[0].field == "spec.ephemeralContainers[0].targetContainerName"
    assert err.message.endswith('targetContainerName: Not found: "nope"')


def test_recorded_pod_404_says_the_pod_is_gone() -> None:
    err = from_status(404, recorded("pod-404")["response"], namespace="default")
    assert str(err) == "Not found: Pod default/nope no longer exists"
    assert (err.kind, err.name) == ("pods", "nope")


def test_404_without_name_on_ephemeralcontainers_means_unsupported() -> None:
    body = status_body(404, "NotFound", "the server could not find the requested resource")
    body["details"] = {}
    err = from_status(404, body, resource="pods/ephemeralcontainers", namespace="default")
    assert err.message == "ephemeral containers are not available on this cluster"
    assert err.hint is not None and "copy" in err.hint
    # The same answer elsewhere is just "not found".
    plain = from_status(404, body, resource="pods")
    assert plain.message == "the server could not find the requested resource"


def test_403_rbac() -> None:
    message = (
        'pods "demo" is forbidden: User "system:serviceaccount:default:viewer" cannot patch '
        'resource "pods/ephemeralcontainers" in API group "" in the namespace "default"'
    )
    err = from_status(403, status_body(403, "Forbidden", message))
    assert str(err) == "Forbidden: you may not patch pods/ephemeralcontainers in namespace default"
    assert err.hint is not None and "RBAC" in err.hint
    assert err.full_text == message


def test_403_cluster_scope_and_group() -> None:
    message = (
        'nodes is forbidden: User "x" cannot list resource "nodes" in API group "" '
        "at the cluster scope"
    )
    assert from_status(403, status_body(403, "Forbidden", message)).message == (
        "you may not list nodes at cluster scope"
    )
    message = 'User "x" cannot create resource "jobs" in API group "batch" in the namespace "a"'
    assert from_status(403, status_body(403, "Forbidden", message)).message == (
        "you may not create jobs.batch in namespace a"
    )


def test_403_pod_security_is_not_rbac() -> None:
    message = (
        'pods "vault-0" is forbidden: violates PodSecurity "restricted:latest": '
        'privileged (container "debugger" must not set securityContext.privileged=true)'
    )
    err = from_status(403, status_body(403, "Forbidden", message))
    assert err.title == "Blocked by Pod Security admission"
    assert "restricted:latest" in err.message and "privileged" in err.message
    assert err.hint is not None and "profile" in err.hint


def test_401_hints_at_expired_credentials() -> None:
    err = from_status(401, status_body(401, "Unauthorized", "Unauthorized"))
    assert err.title == "Unauthorized"
    assert err.hint is not None and "expired" in err.hint


@pytest.mark.parametrize(
    ("code", "retryable"),
    [(429, True), (500, True), (502, True), (503, True), (504, True), (400, False), (409, False)],
)
def test_retryable_statuses(code: int, retryable: bool) -> None:
    assert from_status(code, status_body(code, "X", "m")).retryable is retryable


def test_429_retry_after() -> None:
    body = status_body(429, "TooManyRequests", "slow down")
    body["details"] = {"retryAfterSeconds": 3}
    assert from_status(429, body).retry_after == 3.0
    assert from_status(429, b"", headers={"Retry-After": "7"}).retry_after == 7.0


def test_non_json_bodies() -> None:
    assert (
        from_status(502, b"<html>bad gateway</html>", http_reason="Bad Gateway").message
        == "Bad Gateway"
    )
    assert from_status(500, b"plain text failure").message == "plain text failure"
    assert from_status(None, b"").title == "Request failed"


def test_server_strings_are_sanitised_and_truncated() -> None:
    evil = 'pods \x1b]0;pwned\x07"x\u202e" not\x85 found ' + "A" * 1000
    err = from_status(404, status_body(404, "NotFound", evil))
    for bad in ("\x1b", "\x07", "\u202e", "\x85"):
        assert bad not in str(err) and bad not in err.full_text
    assert len(err.message) <= MAX_TEXT
    assert err.message.endswith("…")
    assert err.full_text.endswith("A" * 1000)


def test_sanitize_keeps_plain_text() -> None:
    assert sanitize("a\tb\n c") == "a b c"
    assert sanitize("line1\n\x1b[1mline2", keep_newlines=True) == "line1\n[1mline2"
    assert sanitize("x" * 10, 5) == "xxxx…"
    assert sanitize("a\u2028b\u2029c\ufeff\u2066d\u2069") == (
        "a<U+2028>b<U+2029>c<U+FEFF><U+2066>d<U+2069>"
    )


def test_api_exception_from_the_generated_client() -> None:
    exc = ApiException(status=404, reason="Not Found")
    exc.body = json.dumps(
        {
            "kind": "Status",
            "code": 404,
            "reason": "NotFound",
            "message": 'pods "a" not found',
            "details": {"name": "a", "kind": "pods"},
        }
    )
    err = to_kube_error(exc, namespace="shop")
    assert str(err) == "Not found: Pod shop/a no longer exists"


def test_kube_error_passes_through_and_unknown_is_wrapped() -> None:
    original = KubeError("T", "m")
    assert to_kube_error(original) is original
    wrapped = to_kube_error(RuntimeError("boom\x1b[2J"))
    assert wrapped.title == "Unexpected error" and "\x1b" not in wrapped.message


# ---------------------------------------------------------------------------------------
# Real network failures through a session.


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _kubeconfig(path: Path, server: str) -> Path:
    path.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        f"clusters:\n- name: k\n  cluster:\n    server: {server}\n"
        "users:\n- name: u\n  user:\n    token: t\n"
        "contexts:\n- name: c\n  context:\n    cluster: k\n    user: u\n"
    )
    return path


async def test_connection_refused(tmp_path: Path) -> None:
    server = f"http://127.0.0.1:{_free_port()}"
    async with await KubeSession.open(_kubeconfig(tmp_path / "kc", server)) as session:
        with pytest.raises(KubeError) as info:
            await session.request_json("GET", "/api/v1/pods")
    assert str(info.value) == f"Connection failed: Cannot reach {server}: connection refused"
    assert info.value.retryable


@pytest.fixture
async def rude_server() -> AsyncIterator[tuple[str, list[str]]]:
    """Accepts, then either hangs up at once ("close") or never answers ("hang")."""
    mode = ["close"]

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        if mode[0] == "close":
            writer.close()
            return
        await asyncio.sleep(30)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", mode
    finally:
        server.close()


async def test_server_disconnect(tmp_path: Path, rude_server: tuple[str, list[str]]) -> None:
    url, _ = rude_server
    async with await KubeSession.open(_kubeconfig(tmp_path / "kc", url)) as session:
        with pytest.raises(KubeError) as info:
            await session.request_json("GET", "/api/v1/pods")
    assert info.value.title == "Connection lost"
    assert url in info.value.message and info.value.retryable


async def test_timeout(tmp_path: Path, rude_server: tuple[str, list[str]]) -> None:
    url, mode = rude_server
    mode[0] = "hang"
    async with await KubeSession.open(_kubeconfig(tmp_path / "kc", url)) as session:
        with pytest.raises(KubeError) as info:
            await session.request_json("GET", "/api/v1/pods", request_timeout=0.3)
    assert info.value.title == "Timed out" and info.value.retryable


async def test_https_to_plain_http_server_is_a_tls_error(tmp_path: Path) -> None:
    async with FakeApi() as api:
        server = api.url.replace("http://", "https://")
        async with await KubeSession.open(_kubeconfig(tmp_path / "kc", server)) as session:
            with pytest.raises(KubeError) as info:
                await session.request_json("GET", "/api/v1/pods")
    assert info.value.reason == "TLSError"
    assert server in info.value.message


async def test_generated_client_errors_map_too(tmp_path: Path) -> None:
    async with FakeApi() as api, await KubeSession.open(api.kubeconfig(tmp_path / "kc")) as session:
        api.list_failures = [
            (
                403,
                status_body(
                    403,
                    "Forbidden",
                    'User "u" cannot list resource "pods" in API group "" in the namespace "x"',
                ),
            )
        ]
        with pytest.raises(ApiException) as info:
            await session.core.list_namespaced_pod("x")
    assert str(to_kube_error(info.value)) == "Forbidden: you may not list pods in namespace x"
