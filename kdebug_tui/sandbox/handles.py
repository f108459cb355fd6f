"""The seam between a running process and one attach/exec client: `StreamHandle`.

A container's output is fanned out to every attached client (`OutputFan`); each client has
its own bounded backlog, and when any backlog is full the process is paused (its PTY or
pipes are not read) instead of buffering without limit, so a flood cannot eat memory.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Literal, Protocol

from kdebug_tui.sandbox.processes import Process

HIGH_WATER = 1 << 20  # bytes queued for one client before the process is paused
LOW_WATER = 256 << 10


class RuntimeFailure(Exception):
    """The runtime refused: the message is the container runtime's own text."""

    def __init__(self, message: str, *, reason: str = "InternalError") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


class StreamTarget(Protocol):
    """What a handle drives: a container (attach) or an exec'd process."""

    async def handle_write(self, handle: StreamHandle, data: bytes) -> None: ...
    def handle_close_stdin(self, handle: StreamHandle) -> None: ...
    def handle_resize(self, columns: int, lines: int) -> None: ...
    async def handle_wait(self) -> int | None: ...
    async def handle_detach(self, handle: StreamHandle) -> None: ...


class StreamHandle:
    """One client's streams. `read()` gives `(channel, data)`, channel 1 stdout or 2 stderr,
    and `None` once the output has ended (the process exited, or the handle was closed)."""

    def __init__(
        self, kind: Literal["attach", "exec"], target: StreamTarget, *, tty: bool, stdin: bool
    ) -> None:
        self.kind = kind
        self.tty = tty
        self.stdin = stdin
        self._target = target
        self._chunks: deque[tuple[int, bytes] | None] = deque()
        self._pending = 0
        self._ready = asyncio.Event()
        self._fan: OutputFan | None = None
        self.closed = False
        self.exit_code: int | None = None

    # fed by the fan
    def _feed(self, item: tuple[int, bytes] | None) -> None:
        self._chunks.append(item)
        if item is not None:
            self._pending += len(item[1])
        self._ready.set()

    @property
    def pending(self) -> int:
        return self._pending

    async def read(self) -> tuple[int, bytes] | None:
        while not self._chunks:
            if self.closed:
                return None
            self._ready.clear()
            await self._ready.wait()
        item = self._chunks.popleft()
        if item is None:
            self._chunks.appendleft(None)  # stays ended
            return None
        self._pending -= len(item[1])
        if self._fan is not None and self._pending < LOW_WATER:
            self._fan.maybe_resume()
        return item

    async def write(self, data: bytes) -> None:
        if self.stdin and not self.closed and data:
            await self._target.handle_write(self, data)

    def close_stdin(self) -> None:
        if self.stdin and not self.closed:
            self._target.handle_close_stdin(self)

    def resize(self, columns: int, lines: int) -> None:
        if self.tty and not self.closed:
            self._target.handle_resize(columns, lines)

    async def wait(self) -> int | None:
        """The exit code of the process behind the handle (None: unknown or detached)."""
        if self.exit_code is None and not self.closed:
            self.exit_code = await self._target.handle_wait()
        return self.exit_code

    async def close(self) -> None:
        """Detach (attach) or end the exec'd process (exec). Idempotent."""
        if self.closed:
            return
        self.closed = True
        if self._fan is not None:
            self._fan.unsubscribe(self)
        self._ready.set()
        await self._target.handle_detach(self)


class OutputFan:
    """Delivers one process's output to every subscribed handle, with flow control."""

    def __init__(self) -> None:
        self.handles: set[StreamHandle] = set()
        self.process: Process | None = None
        self.ended = False

    def bind(self, process: Process, tap: Callable[[int, bytes], None] | None = None) -> None:
        """Take `process`'s output; `tap` sees every chunk first (the log writer)."""
        self.process = process
        self.ended = False
        if tap is None:
            process.on_output = self.publish
        else:

            def both(channel: int, data: bytes) -> None:
                tap(channel, data)
                self.publish(channel, data)

            process.on_output = both
        process.on_eof = self.end

    def subscribe(self, handle: StreamHandle) -> None:
        handle._fan = self
        if self.ended:
            handle._feed(None)
        else:
            self.handles.add(handle)

    def unsubscribe(self, handle: StreamHandle) -> None:
        self.handles.discard(handle)
        handle._fan = None
        self.maybe_resume()

    def publish(self, channel: int, data: bytes) -> None:
        full = False
        for handle in self.handles:
            handle._feed((channel, data))
            full = full or handle.pending > HIGH_WATER
        if full and self.process is not None:
            self.process.pause_reading()

    def end(self) -> None:
        self.ended = True
        for handle in list(self.handles):
            handle._feed(None)
        self.handles.clear()

    def maybe_resume(self) -> None:
        if self.process is not None and all(h.pending < LOW_WATER for h in self.handles):
            self.process.resume_reading()
