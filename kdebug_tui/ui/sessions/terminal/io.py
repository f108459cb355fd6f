"""The I/O side of one terminal session: backend -> emulator with backpressure, input -> backend.

`read_loop` drains the backend as fast as it delivers (a pump task) and feeds what has
arrived to the emulator as one batch in ~2 ms slices (yielding to the event loop between
slices so keys and paints run). Draining matters: a flood leaves megabytes in the
transport's buffers (sockets, the websocket reader), and fed one message at a time they
would all be replayed before a Ctrl-C's prompt shows; as one batch, the emulator skips what
would scroll out of reach anyway (kdebug_tui/term/skim.py). The pump holds up to
BACKLOG_MAX only while the output is of that skippable kind; otherwise at most
BACKLOG_SMALL, and the rest waits in the transport as before.
`write_loop` is the single task that writes input and resizes to the backend, so their order
is kept; input queued before the backend has started waits instead of being lost.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import ClassVar

from kdebug_tui.term import Emulator
from kdebug_tui.term.backend import BackendExit, TerminalBackend
from kdebug_tui.term.recorder import CastRecorder
from kdebug_tui.term.skim import SKIM_MIN, partial_end, safe_run
from kdebug_tui.ui.sessions.terminal.style import safe_title


class TerminalLink:
    """Connects one backend to an emulator; the widget runs both loops as workers."""

    SLICE_SECONDS: ClassVar[float] = 0.002
    BACKLOG_MAX: ClassVar[int] = 8 * 1024 * 1024
    BACKLOG_SMALL: ClassVar[int] = 256 * 1024

    def __init__(
        self,
        backend: TerminalBackend,
        emulator: Emulator,
        *,
        on_output: Callable[[], None],
        recorder: Callable[[], CastRecorder | None],
    ) -> None:
        self.backend = backend
        self.emulator = emulator
        self._on_output = on_output
        self._recorder = recorder
        self._outbox: deque[bytes | tuple[int, int]] = deque()
        self._outbox_ready = asyncio.Event()
        self._started = asyncio.Event()
        self.sent_size: tuple[int, int] | None = None
        self.closed = False
        self._backlog = bytearray()  # read from the backend, not fed yet
        self._arrived = asyncio.Event()
        self._room = asyncio.Event()
        self._safe_run = 0  # bytes at the end of the stream the emulator could skim
        self._cut_escape = b""  # an escape cut off at the end of the last read (not scanned)
        self.received = 0  # bytes read from the backend (the view's stall check reads it)

    def post(self, item: bytes | tuple[int, int]) -> None:
        """Queue input bytes, or a (columns, lines) resize, for the backend."""
        if self.closed:
            return
        self._outbox.append(item)
        self._outbox_ready.set()

    async def read_loop(self, columns: int, lines: int) -> BackendExit:
        """Start the backend, then read and feed until it ends; returns how it ended."""
        backend = self.backend
        try:
            self.sent_size = (columns, lines)
            await backend.start(columns, lines)
            self._started.set()
            recorder = self._recorder()
            if recorder is not None:
                recorder.resize(columns, lines)
            pump = asyncio.ensure_future(self._pump())
            try:
                while True:
                    if not self._backlog:
                        if pump.done():
                            break
                        self._arrived.clear()
                        await self._arrived.wait()
                        continue
                    data, self._backlog = self._backlog, bytearray()  # (no copy)
                    self._room.set()
                    await self.feed(data)
            finally:
                pump.cancel()
            if not pump.cancelled() and pump.exception() is not None:
                raise pump.exception()  # type: ignore[misc]
            exit_ = backend.exit or BackendExit(None, "closed", "the stream ended")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a broken backend ends this session, never the app
            message = safe_title(str(exc)) or type(exc).__name__
            exit_ = backend.exit or BackendExit(None, "error", message)
        self.closed = True
        return exit_

    async def _pump(self) -> None:
        """Read the backend into the backlog until it ends (pausing above BACKLOG_MAX)."""
        backend = self.backend
        try:
            while True:
                skimmable = self._safe_run >= SKIM_MIN
                if len(self._backlog) >= (self.BACKLOG_MAX if skimmable else self.BACKLOG_SMALL):
                    self._room.clear()
                    await self._room.wait()
                    continue
                data = await backend.read()
                if not data:
                    return
                self.received += len(data)
                self._track_safe_run(data)
                recorder = self._recorder()
                if recorder is not None:
                    recorder.output(data)
                self._backlog += data
                self._arrived.set()
        finally:
            self._arrived.set()

    def _track_safe_run(self, data: bytes) -> None:
        scan = self._cut_escape + data if self._cut_escape else data
        cut = partial_end(scan)
        if cut == len(scan):
            self._cut_escape = b""
            self._safe_run = safe_run(scan, self._safe_run)
        else:
            self._cut_escape = bytes(scan[cut:])
            self._safe_run = safe_run(scan[:cut], self._safe_run)

    async def feed(self, data: bytes | bytearray) -> None:
        emu = self.emulator
        view = memoryview(data)
        pos, total = 0, len(data)
        while pos < total:
            # ~2 ms of emulator work per slice, then keys, timers and paints get their turn.
            pos += emu.feed_some(view[pos:], self.SLICE_SECONDS)
            replies = emu.take_replies()
            if replies:
                self.post(replies)
            self._on_output()
            await asyncio.sleep(0)

    async def write_loop(self) -> None:
        outbox = self._outbox
        await self._started.wait()
        backend = self.backend
        while True:
            if not outbox:
                self._outbox_ready.clear()
                await self._outbox_ready.wait()
                continue
            item = outbox.popleft()
            try:
                if isinstance(item, tuple):
                    self.sent_size = item
                    await backend.resize(*item)
                    recorder = self._recorder()
                    if recorder is not None:
                        recorder.resize(*item)
                    continue
                chunks = [item]
                while outbox:  # consecutive input goes out in one write
                    head = outbox[0]
                    if not isinstance(head, bytes):
                        break
                    outbox.popleft()
                    chunks.append(head)
                await backend.write(b"".join(chunks))
            except asyncio.CancelledError:
                raise
            except Exception:
                continue  # the read loop reports how the stream ended


__all__ = ["TerminalLink"]
