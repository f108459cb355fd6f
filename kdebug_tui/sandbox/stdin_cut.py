"""The CRI exec stdin truncation, as a fault the sandbox can inject (`Faults.cut_exec_stdin`).

Seen with containerd (its issue 13934): an exec whose client half-closes stdin right after
the last bytes, with a command that ends as soon as its stdin does (`cat > f`), can lose
the tail: the process sees EOF at a multiple of 32 KiB. Keeping the command alive until it
has read a known size (`head -c N > f; ...; sleep 0.2`) and half-closing only after it has
exited avoided it in every run.

The model: the runtime copies stdin in 32 KiB blocks; a trailing partial block is handed
over once the client has paused for FLUSH_AFTER seconds. A half-close that arrives while a
partial block is still held drops that block and closes the process's stdin. Deterministic,
so a test proves that the uploader survives it.
"""

from __future__ import annotations

import asyncio
import contextlib

from kdebug_tui.sandbox.handles import StreamHandle

BLOCK = 32 * 1024
FLUSH_AFTER = 0.05


def arm_stdin_cut(handle: StreamHandle) -> None:
    """Make `handle` lose its held partial block when stdin is half-closed."""
    write, close_stdin = handle.write, handle.close_stdin
    held = bytearray()
    flush: asyncio.TimerHandle | None = None
    loop = asyncio.get_running_loop()
    tasks: set[asyncio.Task[None]] = set()

    def hand_over() -> None:
        nonlocal flush
        flush = None
        if held:
            data = bytes(held)
            held.clear()
            task = loop.create_task(write(data))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    async def cut_write(data: bytes) -> None:
        nonlocal flush
        held.extend(data)
        whole = len(held) - len(held) % BLOCK
        if whole:
            chunk = bytes(held[:whole])
            del held[:whole]
            await write(chunk)
        if flush is not None:
            flush.cancel()
        flush = loop.call_later(FLUSH_AFTER, hand_over) if held else None

    def cut_close_stdin() -> None:
        nonlocal flush
        if flush is not None:
            flush.cancel()
            flush = None
        held.clear()  # the tail still in the copy buffer is lost
        for task in tasks:
            with contextlib.suppress(Exception):
                task.cancel()
        close_stdin()

    setattr(handle, "write", cut_write)  # noqa: B010 - this one handle only
    setattr(handle, "close_stdin", cut_close_stdin)  # noqa: B010
