"""Fixtures of the sandbox tests (the `sandbox` fixture itself is in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.sandbox.helpers import Api


@pytest.fixture
async def api(sandbox: Any) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(sandbox, session)
