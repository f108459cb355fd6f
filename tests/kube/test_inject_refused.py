"""A debug request to an API server that refuses the connection fails at once (issue 15
item 12): it is not retried for the 30 s budget while the form says "no answer", because the
request never arrived; the error says "connection refused".
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.kube.debug import DebugRequest, build
from kdebug_tui.kube.errors import CONNECTION_REFUSED, KubeError
from kdebug_tui.kube.inject import inject
from kdebug_tui.kube.session import KubeSession

POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
    "spec": {"containers": [{"name": "app", "image": "nginx"}]},
}


def _closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
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


@pytest.mark.parametrize("mode", ["ephemeral", "copy"])
async def test_refused_connection_fails_at_once_without_retries(tmp_path: Path, mode: str) -> None:
    server = f"http://127.0.0.1:{_closed_port()}"
    request = DebugRequest(
        mode=mode,  # type: ignore[arg-type]
        namespace="default",
        pod_name="web",
        image="busybox:1.36",
        target="app" if mode == "ephemeral" else None,
        command=["sh"],
    )
    built = build(request, POD)
    retries: list[KubeError] = []
    async with await KubeSession.open(_kubeconfig(tmp_path / "kc", server)) as session:
        with pytest.raises(KubeError) as info:
            await inject(session, built, budget=30.0, on_retry=retries.append)
    assert retries == []
    assert info.value.reason == CONNECTION_REFUSED
    assert "connection refused" in str(info.value)
    assert server in str(info.value)
