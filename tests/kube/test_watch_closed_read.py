"""aiohttp reports a connection closed under a pending read as a bare RuntimeError; the
watch must treat it as a dropped connection (retried), never let it end its worker."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from kdebug_tui.kube.watch import _lines


class ClosedUnderRead:
    """A streaming response whose reader fails the way aiohttp's StreamReader does."""

    def __init__(self, first: bytes) -> None:
        self._chunks = [first]
        self.content = self

    async def readany(self) -> bytes:
        if self._chunks:
            return self._chunks.pop(0)
        raise RuntimeError("Connection closed.")


async def test_a_connection_closed_mid_read_is_a_client_error() -> None:
    resp: Any = ClosedUnderRead(b'{"type":"ADDED","object":{}}\n')
    seen = []
    with pytest.raises(aiohttp.ClientConnectionError, match="Connection closed"):
        async for line in _lines(resp, inactivity=5):
            seen.append(line)
    assert seen == [b'{"type":"ADDED","object":{}}']
