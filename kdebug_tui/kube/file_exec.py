"""The exec plumbing of the file browser (files.py): reading and writing an exec's frames
with a bound on silence, and the texts of what went wrong, from the remote tools' stderr
(busybox and GNU wordings alike)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from ..term.backend import BackendExit
from .attach import ExecSession
from .errors import KubeError


async def until_exit(backend: ExecSession, seconds: float) -> bytes:
    """stderr of the exec until it ends or `seconds` pass (then it is left running)."""
    err = bytearray()

    async def drain() -> None:
        while (frame := await backend.read_channel()) is not None:
            if frame[0] == 2:
                err.extend(frame[1])

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(drain(), seconds)
    return bytes(err)


async def next_frame(backend: ExecSession, what: str, idle: float) -> tuple[int, bytes] | None:
    try:
        return await asyncio.wait_for(backend.read_channel(), idle)
    except TimeoutError:
        raise KubeError(
            "Timed out",
            f"{what} in the debugger sent nothing for {idle:.0f} s",
            reason="Timeout",
            hint="the debugger may be overloaded or the connection lost; try again",
        ) from None


async def send(backend: ExecSession, data: bytes, idle: float) -> None:
    try:
        await asyncio.wait_for(backend.write(data), idle)
    except TimeoutError:
        raise KubeError(
            "Timed out",
            f"the debugger took nothing of the upload for {idle:.0f} s",
            reason="Timeout",
        ) from None


async def cancel(task: asyncio.Task[str] | None) -> None:
    if task is not None and not task.done():
        task.cancel()
    if task is not None:
        with contextlib.suppress(BaseException):
            await task


def local_error(path: Path, exc: OSError) -> KubeError:
    return KubeError("Local file error", f"{path}: {exc.strerror or exc}", reason="LocalFileError")


def exec_error(ending: BackendExit, what: str) -> KubeError:
    if "executable file not found" in ending.message:
        return KubeError(
            "Debugger lacks the tools",
            f"{what}: {ending.message}",
            reason="ToolMissing",
            hint="use a debug image with sh, find, stat, cat and sha256sum (busybox, netshoot)",
        )
    return KubeError("Command failed", f"{what}: {ending.message}", reason="ExecFailed")


def fs_error(err: bytes, ending: BackendExit, path: str, op: str) -> KubeError:
    text = err.decode("utf-8", "replace")
    if ending.code is None:
        return exec_error(ending, op)
    if "ermission denied" in text:
        return KubeError(
            "Permission denied",
            f"{op} {path}: permission denied in the target's filesystem",
            status=403,
            reason="Forbidden",
            hint="run the debugger as the target's user, or with the sysadmin profile",
        )
    if "No such file" in text or "can't open" in text or "nonexistent" in text:
        return KubeError("Not found", f"{path} does not exist in the target", status=404,
                         reason="NotFound")  # fmt: skip
    if "Not a directory" in text:
        return KubeError("Not a directory", f"{path} is not a directory", reason="NotADirectory")
    if "Read-only file system" in text:
        return KubeError(
            "Read-only", f"{op} {path}: the filesystem is read-only", reason="ReadOnly"
        )
    if "Is a directory" in text:
        return KubeError("Is a directory", f"{path} is a directory", reason="IsADirectory")
    detail = text.strip().splitlines()[-1] if text.strip() else ending.message
    return KubeError("File operation failed", f"{op} {path}: {detail}", reason="FileError")
