"""A scriptable TerminalBackend for tests and benchmarks: scripted output, echo, flood, exit.

It behaves like a remote terminal whose program is fully controlled by the caller:
`emit()` queues output, `finish()` ends the stream with a chosen exit, echo mode sends typed
input back (as a tty in cooked mode would), and flood mode produces N bytes of output as
fast as they are read while still echoing input, with a bounded amount of flood "in
flight" ahead of an echo, like the socket buffers between a real program and us.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable

from kdebug_tui.term.backend import BackendExit

FLOOD_CHUNK = 16 * 1024


def flood_block(size: int = 256 * 1024, *, colour: bool = True) -> bytes:
    """Realistic log-like lines (some with SGR colour) to repeat for a flood."""
    lines: list[bytes] = []
    total = 0
    index = 0
    while total < size:
        if colour and index % 4 == 0:
            line = (
                f"\x1b[32m2026-11-21T20:{index % 60:02d}:00Z\x1b[0m \x1b[1mINFO\x1b[0m "
                f"request {index:08d} served in {index % 997} ms path=/api/v1/items/{index}\r\n"
            ).encode()
        else:
            line = (
                f"2026-11-21T20:{index % 60:02d}:00Z DEBUG worker={index % 8} "
                f"queue depth {index % 131} lorem ipsum dolor sit amet {index:08d}\r\n"
            ).encode()
        lines.append(line)
        total += len(line)
        index += 1
    return b"".join(lines)


class FakeBackend:
    """Scripted terminal source. Everything written is kept in `written` for assertions."""

    def __init__(
        self,
        script: Iterable[bytes] = (),
        *,
        echo: bool = False,
        flood_bytes: int = 0,
        flood_chunk: int = FLOOD_CHUNK,
        inflight: int = 64 * 1024,
        exit_after_script: BackendExit | None = None,
        flood_data: bytes | None = None,
    ) -> None:
        self._queue: deque[bytes] = deque(chunk for chunk in script if chunk)
        self._wakeup = asyncio.Event()
        if self._queue:
            self._wakeup.set()
        self.echo = echo
        self.flood_remaining = flood_bytes
        self.flood_chunk = max(1, flood_chunk)
        self.inflight = max(0, inflight)
        self._flood_data = (flood_data or flood_block()) if flood_bytes else b""
        self._flood_pos = 0
        # Echoes wait behind this much flood, as if it were already in the socket buffers.
        self._echo_queue: deque[tuple[int, bytes]] = deque()
        self._flood_sent = 0
        self._pending_exit: BackendExit | None = exit_after_script
        self._exit: BackendExit | None = None
        self.written = bytearray()
        self.writes: list[bytes] = []
        self.resizes: list[tuple[int, int]] = []
        self.started: tuple[int, int] | None = None
        self.closed = False
        self.bytes_read = 0

    @property
    def exit(self) -> BackendExit | None:
        return self._exit

    # -- test control -------------------------------------------------------------------
    def emit(self, data: bytes) -> None:
        """Queue output for the terminal to read."""
        if data and self._exit is None:
            self._queue.append(data)
            self._wakeup.set()

    def finish(self, code: int | None = 0, reason: str = "exited", message: str = "") -> None:
        """End the stream after everything queued so far has been read."""
        if not message:
            message = f"exited with code {code}" if code is not None else reason
        self._pending_exit = BackendExit(code, reason, message)
        self._wakeup.set()

    # -- TerminalBackend ----------------------------------------------------------------
    async def start(self, columns: int, lines: int) -> None:
        self.started = (columns, lines)

    def _next_flood(self) -> bytes:
        size = min(self.flood_chunk, self.flood_remaining)
        data = self._flood_data
        start = self._flood_pos % len(data)
        chunk = data[start : start + size]
        while len(chunk) < size:  # wrap around the repeated block
            chunk += data[: size - len(chunk)]
        self._flood_pos += size
        self.flood_remaining -= size
        self._flood_sent += size
        return chunk

    async def read(self) -> bytes:
        while True:
            if self._exit is not None:
                return b""
            # An echo is due once the flood that was "in flight" ahead of it has been read.
            if self._echo_queue and (
                self.flood_remaining <= 0 or self._flood_sent >= self._echo_queue[0][0]
            ):
                data = self._echo_queue.popleft()[1]
            elif self._queue:
                data = self._queue.popleft()
            elif self.flood_remaining > 0:
                data = self._next_flood()
                await asyncio.sleep(0)  # a real socket read yields to the loop
            elif self._pending_exit is not None and not self._echo_queue:
                self._exit = self._pending_exit
                return b""
            else:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            self.bytes_read += len(data)
            return data

    async def write(self, data: bytes) -> None:
        if self.closed or self._exit is not None or not data:
            return
        self.written.extend(data)
        self.writes.append(bytes(data))
        if self.echo:
            echoed = data.replace(b"\r", b"\r\n")
            if self.flood_remaining > 0:
                self._echo_queue.append((self._flood_sent + self.inflight, echoed))
            else:
                self._queue.append(echoed)
            self._wakeup.set()

    async def resize(self, columns: int, lines: int) -> None:
        self.resizes.append((columns, lines))

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._exit is None:
            self._exit = BackendExit(None, "closed", "closed by the user")
        self._wakeup.set()


__all__ = ["FLOOD_CHUNK", "FakeBackend", "flood_block"]
