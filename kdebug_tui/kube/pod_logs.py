"""Log slicing as `kubectl logs` offers it: since, tail, timestamps, previous, every
container of a pod with a `[pod/<pod>/<container>] ` prefix, and saving to a file.

`LogOptions` is what the UI's log view edits; `pod_log_stream()` yields the bytes to show
(one container, or all of them: one after the other without follow, interleaved line by
line with follow, as kubectl does); `save_logs()` writes the same bytes to a file.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.logs import stream_logs
from kdebug_tui.kube.podfields import d, ds, s


@dataclass(frozen=True)
class LogOptions:
    """kubectl logs' flags: --follow --previous --tail --timestamps --since --since-time
    --limit-bytes --all-containers --prefix."""

    follow: bool = False
    previous: bool = False
    tail_lines: int | None = None
    timestamps: bool = False
    since_seconds: int | None = None
    since_time: str | None = None
    limit_bytes: int | None = None
    all_containers: bool = False
    prefix: bool | None = None  # None: prefix exactly when showing all containers

    def stream_kwargs(self) -> dict[str, Any]:
        return {
            "follow": self.follow,
            "previous": self.previous,
            "tail_lines": self.tail_lines,
            "timestamps": self.timestamps,
            "since_seconds": self.since_seconds,
            "since_time": self.since_time,
            "limit_bytes": self.limit_bytes,
        }


def parse_since(text: str) -> int:
    """kubectl's --since durations (`30s`, `5m`, `1h30m`, `2h`) as seconds; ValueError if bad."""
    units = {"h": 3600, "m": 60, "s": 1}
    total, number = 0, ""
    for ch in text.strip():
        if ch.isdigit():
            number += ch
        elif ch in units and number:
            total += int(number) * units[ch]
            number = ""
        else:
            raise ValueError(f"invalid duration {text!r}: use forms like 30s, 5m or 1h30m")
    if number or total <= 0:
        raise ValueError(f"invalid duration {text!r}: use forms like 30s, 5m or 1h30m")
    return total


def log_containers(pod: dict[str, Any]) -> list[str]:
    """The containers `--all-containers` shows: init, then regular, then ephemeral."""
    spec = d(pod.get("spec"))
    return [
        s(c.get("name"))
        for key in ("initContainers", "containers", "ephemeralContainers")
        for c in ds(spec.get(key))
    ]


def _prefixer(tag: bytes) -> Any:
    """Prefix every complete line with `tag`; keep a partial last line for the next chunk."""
    pending = b""

    def feed(chunk: bytes, final: bool = False) -> bytes:
        nonlocal pending
        data = pending + chunk
        lines = data.split(b"\n")
        pending = b"" if final else lines.pop()
        return b"".join(tag + line + b"\n" for line in lines if line or not final)

    return feed


async def _one(
    session: Any, namespace: str, pod: str, container: str, options: LogOptions, prefix: bool
) -> AsyncIterator[bytes]:
    stream = stream_logs(session, namespace, pod, container, **options.stream_kwargs())
    if not prefix:
        async for chunk in stream:
            yield chunk
        return
    feed = _prefixer(f"[pod/{pod}/{container}] ".encode())
    async for chunk in stream:
        out = feed(chunk)
        if out:
            yield out
    tail = feed(b"", final=True)
    if tail:
        yield tail


async def pod_log_stream(
    session: Any, namespace: str, pod: dict[str, Any], container: str | None, options: LogOptions
) -> AsyncIterator[bytes]:
    """The log bytes of one container (`container`) or, with options.all_containers, of
    every container. A container that has no log yet (waiting to start) is skipped in the
    all-containers view, as kubectl skips it, and raises KubeError for a single one."""
    name = s(d(pod.get("metadata")).get("name"))
    if not options.all_containers:
        if not container:
            raise KubeError("No container", "choose a container to show the log of")
        prefix = bool(options.prefix)
        async for chunk in _one(session, namespace, name, container, options, prefix):
            yield chunk
        return
    prefix = options.prefix is not False
    names = log_containers(pod)
    if not options.follow:
        for c in names:
            with contextlib.suppress(KubeError):
                async for chunk in _one(session, namespace, name, c, options, prefix):
                    yield chunk
        return
    queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=64)

    async def pump(c: str) -> None:
        with contextlib.suppress(KubeError):
            async for chunk in _one(session, namespace, name, c, options, prefix):
                await queue.put(chunk)

    async def run_all() -> None:
        try:
            await asyncio.gather(*(pump(c) for c in names))
        finally:
            await queue.put(None)

    runner = asyncio.create_task(run_all())
    try:
        while (item := await queue.get()) is not None:
            yield item
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner


async def save_logs(
    session: Any,
    namespace: str,
    pod: dict[str, Any],
    container: str | None,
    path: Path | str,
    options: LogOptions,
) -> int:
    """Write what the log view shows (without follow) to `path`; returns the bytes written.
    The file is created only for the user (0600): logs may hold secrets."""
    options = replace(options, follow=False)
    written = 0
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = await asyncio.to_thread(os.open, Path(path), flags, 0o600)
    with os.fdopen(fd, "wb") as f:
        async for chunk in pod_log_stream(session, namespace, pod, container, options):
            await asyncio.to_thread(f.write, chunk)
            written += len(chunk)
    return written
