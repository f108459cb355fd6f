"""Helpers for end-to-end debug tests (sandbox or a real cluster)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from kdebug_tui.term.backend import TerminalBackend

_ANSI = re.compile(rb"\x1b\[[0-9;?]*[a-zA-Z]|\x1b[()][0-9A-B]|\x1b[=>]")


async def read_until(backend: TerminalBackend, needle: bytes, limit: float = 15.0) -> bytes:
    """Read output until `needle` appears (escape sequences ignored); fail clearly if not."""
    seen = bytearray()

    async def pump() -> None:
        while needle not in _ANSI.sub(b"", bytes(seen)):
            chunk = await backend.read()
            if not chunk:
                raise AssertionError(
                    f"stream ended before {needle!r} appeared; got {bytes(seen)[-500:]!r}, "
                    f"exit {backend.exit}"
                )
            seen.extend(chunk)

    try:
        await asyncio.wait_for(pump(), limit)
    except TimeoutError:
        raise AssertionError(
            f"{needle!r} did not appear in {limit} s: {bytes(seen)[-500:]!r}"
        ) from None
    return bytes(seen)


async def drain(backend: TerminalBackend, limit: float = 15.0) -> bytes:
    out = bytearray()

    async def pump() -> None:
        while chunk := await backend.read():
            out.extend(chunk)

    await asyncio.wait_for(pump(), limit)
    return bytes(out)


async def shell_round_trip(backend: TerminalBackend) -> None:
    """Type `echo hi` and `ps`, then `exit`; the stream must end with exit status 0."""
    await backend.write(b"echo hi-$((40+2))\r")
    await read_until(backend, b"hi-42")
    await backend.write(b"ps\r")
    await read_until(backend, b"PID")
    await backend.write(b"exit\r")
    await drain(backend)
    assert backend.exit is not None, "the stream ended without an exit"
    assert (backend.exit.code, backend.exit.reason) == (0, "exited"), backend.exit


def shared_sandbox_fixtures() -> tuple[Any, Any]:
    """A module-wide sandbox and session, for read-mostly tests (one start-up, one teardown).

    Use with `pytestmark = pytest.mark.asyncio(loop_scope="module")`.
    """

    @pytest_asyncio.fixture(scope="module", loop_scope="module")
    async def shared_sandbox(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Any]:
        from kdebug_tui.sandbox import Sandbox

        workdir = tmp_path_factory.mktemp("shared-sandbox")
        async with Sandbox(port=0, workdir=workdir / "sandbox", demo=True) as sb:
            await sb.demo_settled()  # no test races the demo's start-up
            yield sb

    @pytest_asyncio.fixture(scope="module", loop_scope="module")
    async def shared_kube(
        shared_sandbox: Any, tmp_path_factory: pytest.TempPathFactory
    ) -> AsyncIterator[Any]:
        from kdebug_tui.kube.session import KubeSession

        path = shared_sandbox.write_kubeconfig(tmp_path_factory.mktemp("kc") / "kubeconfig")
        session = await KubeSession.open(kubeconfig=str(path))
        session.kubeconfig_path = path  # type: ignore[attr-defined]
        try:
            yield session
        finally:
            await session.close()

    return shared_sandbox, shared_kube
