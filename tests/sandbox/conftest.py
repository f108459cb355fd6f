"""Fixtures of the sandbox tests (the `sandbox` fixture itself is in tests/conftest.py)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from tests.sandbox.helpers import Api
from tests.sandbox.kubectl import Kubectl


def _https_session(sb: Any) -> aiohttp.ClientSession:
    """The sandbox serves HTTPS only (like API servers since 1.20): trust its own CA."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=sb.client_ssl_context()))


@pytest.fixture
async def api(sandbox: Any) -> AsyncIterator[Api]:
    async with _https_session(sandbox) as session:
        yield Api(sandbox, session)


@pytest.fixture
def kubectl(kubectl_path: str, kubeconfig: Path, tmp_path: Path) -> Kubectl:
    """The real kubectl with `--kubeconfig` and a private HOME (no shared discovery cache)."""
    return Kubectl(kubectl_path, kubeconfig, tmp_path / "home")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_sandbox(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Any]:
    """One sandbox for a whole module of tests that only read or add uniquely named pods."""
    from kdebug_tui.sandbox import Sandbox

    async with Sandbox(port=0, workdir=tmp_path_factory.mktemp("sandbox"), demo=True) as sb:
        await sb.demo_settled()  # no test races the demo's start-up
        yield sb


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_api(shared_sandbox: Any) -> AsyncIterator[Api]:
    async with _https_session(shared_sandbox) as session:
        yield Api(shared_sandbox, session)


@pytest.fixture(scope="module")
def shared_kubectl(shared_sandbox: Any, tmp_path_factory: pytest.TempPathFactory) -> Kubectl:
    path = shutil.which("kubectl")
    if path is None:
        pytest.skip("kubectl is not installed on this machine")
    home = tmp_path_factory.mktemp("kubectl-home")
    return Kubectl(path, shared_sandbox.write_kubeconfig(home / "kubeconfig"), home)
