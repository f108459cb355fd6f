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
from collections.abc import Callable
from typing import Any

from kdebug_tui.term.backend import BackendExit, TerminalBackend

WAIT_TIMEOUT = 120.0


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

    def __init__(self, inner: TerminalBackend, columns: int = 80, lines: int = 24) -> None:
        self.inner = inner
        self._connecting = asyncio.ensure_future(inner.start(columns, lines))
        self._provisional = (columns, lines)

    async def start(self, columns: int, lines: int) -> None:
        await self._connecting
        if (columns, lines) != self._provisional:
            await self.inner.resize(columns, lines)

    async def read(self) -> bytes:
        return await self.inner.read()

    async def write(self, data: bytes) -> None:
        await self.inner.write(data)

    async def resize(self, columns: int, lines: int) -> None:
        await self.inner.resize(columns, lines)

    async def close(self) -> None:
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
    ) -> None:
        self.session = session
        self.namespace = namespace
        self.pod = pod
        self.container = container
        self.nudge = nudge
        self.timeout = timeout
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

        outcome = await wait_for_container(
            self.session,
            self.namespace,
            self.pod,
            self.container,
            timeout=self.timeout,
            on_progress=self._progress,
        )
        if outcome.state != "running":
            return outcome, None
        backend: TerminalBackend = AttachSession(
            self.session, self.namespace, self.pod, self.container
        )
        if self.nudge:
            backend = PromptNudge(backend)
        self.backend = PreConnected(backend)
        return outcome, self.backend

    async def result(self) -> tuple[Any, TerminalBackend | None]:
        return await self.task

    async def close(self) -> None:
        """Cancel the wait; close a connection nobody took."""
        if not self.task.done():
            self.task.cancel()
            with contextlib.suppress(BaseException):
                await self.task
        elif not self.task.cancelled():
            self.task.exception()  # retrieved: a failure nobody awaited is not an error
        if self.backend is not None:
            with contextlib.suppress(Exception):
                await self.backend.close()
