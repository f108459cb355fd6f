"""Fixtures of the sandbox tests (the `sandbox` fixture itself is in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.sandbox.helpers import Api
from tests.sandbox.kubectl import Kubectl


@pytest.fixture
async def api(sandbox: Any) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(sandbox, session)


@pytest.fixture
def kubectl(kubectl_path: str, kubeconfig: Path, tmp_path: Path) -> Kubectl:
    """The real kubectl with `--kubeconfig` and a private HOME (no shared discovery cache)."""
    return Kubectl(kubectl_path, kubeconfig, tmp_path / "home")
