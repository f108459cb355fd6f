"""Getting to a prompt fast: start waiting and connecting before the pane is on screen.

After the debug container is created, three things take time: the sessions screen and the
pane being mounted, the wait for the container to run, and the attach websocket handshake.
They do not depend on each other, so `EarlyStart` runs the wait (and then the connect) as
a task right after inject while the UI is still being built; the pane's flow only awaits
the result. Progress events that arrive before the pane listens are replayed to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Callable
from typing import Any

from kdebug_tui.term.backend import BackendExit, TerminalBackend

WAIT_TIMEOUT = 120.0
GC_HOLD_LIMIT = 3.0  # seconds at most without cyclic garbage collection


class GcHold:
    """Keeps the cyclic garbage collector off while a shell is being opened.

    A full (generation 2) collection in a Textual app with a few thousand widgets and pod
    objects takes 100-300 ms on these machines; landing between Submit and the prompt, it
    is most of the wait. Holding it off for the second or so this takes costs a little
    memory, collected right after. Always released: on the first output, on failure, or
    after GC_HOLD_LIMIT seconds whatever happens.
    """

    def __init__(self, limit: float = GC_HOLD_LIMIT) -> None:
        self._held = gc.isenabled()
        if self._held:
            gc.disable()
        self._timer = asyncio.get_running_loop().call_later(limit, self.release)

    @property
    def held(self) -> bool:
        return self._held

    def release(self) -> None:
        self._timer.cancel()
        if self._held:
            self._held = False
            gc.enable()

    def release_soon(self, delay: float = 0.05) -> None:
        """Release after the next frame or so (the first output still has to be painted)."""
        self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(delay, self.release)


class PromptNudge:
    """Presses Enter once, right after attaching to a shell we just started.

    A shell prints its prompt when it starts, before anyone is attached, and a tty attach
    does not replay it: kubectl says "If you don't see a command prompt, try pressing
    enter". For a debug container started with the image's default command (a shell) we
    press it for the user. Never used for the user's own command or for an attach to a
    container we did not start.
    """

    def __init__(self, inner: TerminalBackend) -> None:
        self.inner = inner

    async def start(self, columns: int, lines: int) -> None:
        await self.inner.start(columns, lines)
        await self.inner.write(b"\r")

    async def read(self) -> bytes:
        return await self.inner.read()

    async def write(self, data: bytes) -> None:
        await self.inner.write(data)

    async def resize(self, columns: int, lines: int) -> None:
        await self.inner.resize(columns, lines)

    async def close(self) -> None:
        await self.inner.close()

    @property
    def exit(self) -> BackendExit | None:
        return self.inner.exit


class PreConnected:
    """A backend whose connection is opened now; `start()` waits for it and sends the size.

    Output arriving before the terminal reads stays in the transport (nothing is lost), and
    the real window size replaces the provisional one as soon as the view knows it.
    """

    def __init__(
        self,
        inner: TerminalBackend,
        columns: int = 80,
        lines: int = 24,
        *,
        on_first_output: Callable[[], None] | None = None,
    ) -> None:
        self.inner = inner
        self._connecting = asyncio.ensure_future(inner.start(columns, lines))
        self._provisional = (columns, lines)
        self._on_first_output = on_first_output

    async def start(self, columns: int, lines: int) -> None:
        await self._connecting
        if (columns, lines) != self._provisional:
            await self.inner.resize(columns, lines)

    async def read(self) -> bytes:
        data = await self.inner.read()
        if self._on_first_output is not None:
            callback, self._on_first_output = self._on_first_output, None
            callback()
        return data

    async def write(self, data: bytes) -> None:
        await self.inner.write(data)

    async def resize(self, columns: int, lines: int) -> None:
        await self.inner.resize(columns, lines)

    async def close(self) -> None:
        if self._on_first_output is not None:
            callback, self._on_first_output = self._on_first_output, None
            callback()
        if not self._connecting.done():
            self._connecting.cancel()
        await self.inner.close()

    @property
    def exit(self) -> BackendExit | None:
        return self.inner.exit


class EarlyStart:
    """Waits for `container` (and connects the attach once it runs) from the moment it is
    created. `result()` gives (outcome, backend or None); `close()` cancels everything."""

    def __init__(
        self,
        session: Any,
        namespace: str,
        pod: str,
        container: str,
        *,
        nudge: bool,
        timeout: float = WAIT_TIMEOUT,
        gc_hold: GcHold | None = None,
    ) -> None:
        self.session = session
        self.namespace = namespace
        self.pod = pod
        self.container = container
        self.nudge = nudge
        self.timeout = timeout
        self.gc_hold = gc_hold
        self.events: list[Any] = []
        self._listener: Callable[[Any], None] | None = None
        self.backend: TerminalBackend | None = None
        self.task: asyncio.Task[tuple[Any, TerminalBackend | None]] = asyncio.ensure_future(
            self._run()
        )

    def listen(self, callback: Callable[[Any], None]) -> None:
        """Deliver every progress event so far, then each new one, to `callback`."""
        self._listener = callback
        for event in self.events:
            callback(event)

    def _progress(self, event: Any) -> None:
        self.events.append(event)
        if self._listener is not None:
            self._listener(event)

    async def _run(self) -> tuple[Any, TerminalBackend | None]:
        from kdebug_tui.kube.attach import AttachSession
        from kdebug_tui.kube.inject import wait_for_container

        try:
            outcome = await wait_for_container(
                self.session,
                self.namespace,
                self.pod,
                self.container,
                timeout=self.timeout,
                on_progress=self._progress,
            )
        except BaseException:
            self._release_gc()
            raise
        if outcome.state != "running":
            self._release_gc()
            return outcome, None
        backend: TerminalBackend = AttachSession(
            self.session, self.namespace, self.pod, self.container
        )
        if self.nudge:
            backend = PromptNudge(backend)
        release = self.gc_hold.release_soon if self.gc_hold is not None else None
        self.backend = PreConnected(backend, on_first_output=release)
        return outcome, self.backend

    def _release_gc(self) -> None:
        if self.gc_hold is not None:
            self.gc_hold.release()

    async def result(self) -> tuple[Any, TerminalBackend | None]:
        return await self.task

    async def close(self) -> None:
        """Cancel the wait; close a connection nobody took."""
        self._release_gc()
        if not self.task.done():
            self.task.cancel()
            with contextlib.suppress(BaseException):
                await self.task
        elif not self.task.cancelled():
            self.task.exception()  # retrieved: a failure nobody awaited is not an error
        if self.backend is not None:
            with contextlib.suppress(Exception):
                await self.backend.close()
