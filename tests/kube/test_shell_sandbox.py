"""A shell in an app container over real websockets: bash-or-sh, and "no shell" as a typed
answer for a distroless container."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.kube.shell import SHELL_COMMAND, NoShell, Shell, ShellSession, find_shell


@pytest.fixture
async def session(sandbox: Any, kubeconfig: Path) -> AsyncIterator[KubeSession]:
    async with await KubeSession.open(kubeconfig) as s:
        yield s


async def read_until(backend: Any, needle: bytes, within: float = 15.0) -> bytes:
    seen = b""
    async with asyncio.timeout(within):
        while needle not in seen:
            chunk = await backend.read()
            if not chunk:
                break
            seen += chunk
    return seen


def test_the_command_is_an_argument_list() -> None:
    assert SHELL_COMMAND[:2] == ["sh", "-c"]
    assert SHELL_COMMAND[2] == "command -v bash >/dev/null && exec bash || exec sh"


async def test_find_shell(session: KubeSession) -> None:
    found = await find_shell(session, "default", "multi", "sidecar")
    assert isinstance(found, Shell) and found.path.endswith("sh")
    missing = await find_shell(session, "default", "web-distroless", "app")
    assert isinstance(missing, NoShell)
    assert "executable file not found" in missing.detail
    assert missing.hint == "no shell here; press d for a debug container"
    assert missing.message == "container app of default/web-distroless has no shell"


async def test_find_shell_reports_other_failures(session: KubeSession) -> None:
    with pytest.raises(KubeError):
        await find_shell(session, "default", "no-such-pod", "app")


async def test_shell_session_runs_a_shell(session: KubeSession) -> None:
    backend = ShellSession(session, "default", "multi", "sidecar")
    await backend.start(80, 24)
    try:
        await backend.write(b"echo $((6*7))\n")
        assert b"42" in await read_until(backend, b"42")
        await backend.write(b"exit 5\n")
        await read_until(backend, b"\x00never")
        assert backend.exit is not None and backend.exit.code == 5
        assert backend.no_shell is None
    finally:
        await backend.close()


async def test_shell_session_without_a_shell(session: KubeSession) -> None:
    backend = ShellSession(session, "default", "web-distroless", "app")
    await backend.start(80, 24)
    try:
        await read_until(backend, b"\x00never")
        ending = backend.exit
        assert ending is not None and "press d for a debug container" in ending.message
        assert isinstance(backend.no_shell, NoShell)
    finally:
        await backend.close()
