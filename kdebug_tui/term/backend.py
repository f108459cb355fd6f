"""The protocol every terminal source implements (attach, exec, local PTY, fakes in tests).

The terminal widget only knows this protocol, so an attach websocket, an exec stream, a local
process under a PTY and the scripted fake used by tests and benchmarks are interchangeable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

ExitReason = Literal["exited", "dropped", "closed", "error"]


@dataclass(frozen=True)
class BackendExit:
    """How a terminal stream ended; `message` is plain text, never markup."""

    code: int | None  # exit code if known
    reason: str  # "exited" | "dropped" | "closed" | "error"
    message: str  # human text, plain (never markup)

    def describe(self) -> str:
        """One plain line for a title bar or a final status line, without repetition.

        ("exited", 3, "exited with code 3") -> "exited with code 3";
        ("dropped", None, "websocket closed") -> "dropped: websocket closed".
        """
        code = f"code {self.code}" if self.code is not None else ""
        message = self.message.strip()
        if message.startswith(self.reason):
            if code and str(self.code) not in message:
                return f"{message} ({code})"
            return message
        head = ", ".join(part for part in (self.reason, code) if part)
        return f"{head}: {message}" if message else head


@runtime_checkable
class TerminalBackend(Protocol):
    """A byte stream with a terminal on the far side.

    `read()` returns the next chunk of output and `b""` once the stream has ended, after which
    `exit` is set. `write()` sends input bytes, `resize()` tells the far side the new window
    size, `close()` ends the stream (idempotent).
    """

    async def start(self, columns: int, lines: int) -> None: ...

    async def read(self) -> bytes: ...

    async def write(self, data: bytes) -> None: ...

    async def resize(self, columns: int, lines: int) -> None: ...

    async def close(self) -> None: ...

    @property
    def exit(self) -> BackendExit | None: ...


__all__ = ["BackendExit", "ExitReason", "TerminalBackend"]
