"""Per-container log files in the CRI format a real runtime writes, and reading them back.

One file per container instance (`0.log`, `1.log`, ... one per restart, as the kubelet
keeps them), each line `<RFC3339Nano> <stdout|stderr> <F|P> <content>`. A TTY's output is
logged as stdout, exactly as the runtime does, which is why kubectl warns that what you type
into an attached shell ends up in the logs. Reading renders what `GET pods/log` returns:
the content, optionally prefixed by the timestamp, with tail/since/limit applied.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

MAX_LINE = 16 * 1024  # longer lines are split into partial (P) entries, like containerd


def rfc3339nano(ns: int | None = None) -> str:
    """Go's time.RFC3339Nano in UTC (trailing zeros of the fraction trimmed)."""
    ns = time.time_ns() if ns is None else ns
    secs, frac = divmod(ns, 1_000_000_000)
    base = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs))
    digits = f"{frac:09d}".rstrip("0")
    return f"{base}.{digits}Z" if digits else f"{base}Z"


def parse_timestamp(text: str) -> float:
    """Seconds since the epoch of an RFC3339 timestamp (nanoseconds truncated)."""
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    head, sep, rest = text.partition(".")
    if sep:
        digits = "".join(ch for ch in rest if ch.isdigit())
        zone = rest[len(digits) :]
        text = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


class LogWriter:
    """Appends one container instance's output; followers are woken on every write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "ab")  # noqa: SIM115 - lives as long as the container
        self._partial: dict[str, bytes] = {"stdout": b"", "stderr": b""}
        self._waiters: set[asyncio.Event] = set()
        self.closed = False

    def write(self, stream: str, data: bytes) -> None:
        if self.closed or not data:
            return
        buf = self._partial[stream] + data
        lines = buf.split(b"\n")
        self._partial[stream] = lines.pop()
        out: list[bytes] = []
        for line in lines:
            out.extend(self._entries(stream, line, final=True))
        pending = self._partial[stream]
        while len(pending) >= MAX_LINE:
            out.extend(self._entries(stream, pending[:MAX_LINE], final=False))
            pending = pending[MAX_LINE:]
        self._partial[stream] = pending
        if out:
            self._file.write(b"".join(out))
            self._file.flush()
            self._wake()

    @staticmethod
    def _entries(stream: str, line: bytes, *, final: bool) -> list[bytes]:
        tag = b"F" if final else b"P"
        head = f"{rfc3339nano()} {stream} ".encode()
        chunks = [line[i : i + MAX_LINE] for i in range(0, len(line), MAX_LINE)] or [b""]
        return [
            head + (tag if i == len(chunks) - 1 else b"P") + b" " + chunk + b"\n"
            for i, chunk in enumerate(chunks)
        ]

    def close(self) -> None:
        """The container ended: flush unterminated lines and release followers."""
        if self.closed:
            return
        for stream, pending in self._partial.items():
            if pending:
                self._file.write(b"".join(self._entries(stream, pending, final=True)))
        self._partial = {"stdout": b"", "stderr": b""}
        self._file.close()
        self.closed = True
        self._wake()

    def _wake(self) -> None:
        for event in self._waiters:
            event.set()

    async def wait_change(self, event: asyncio.Event) -> None:
        self._waiters.add(event)
        try:
            await event.wait()
        finally:
            self._waiters.discard(event)
            event.clear()


def _parse_entry(raw: bytes) -> tuple[str, str, bool, bytes] | None:
    parts = raw.rstrip(b"\n").split(b" ", 3)
    if len(parts) < 3:
        return None
    content = parts[3] if len(parts) == 4 else b""
    return parts[0].decode(), parts[1].decode(), parts[2] == b"F", content


def render_entries(
    raw: bytes, *, timestamps: bool = False, since: float | None = None
) -> list[bytes]:
    """CRI lines -> the bytes the API server returns, one item per complete log line."""
    lines: list[bytes] = []
    pending: dict[str, tuple[str, bytes]] = {}
    for entry in raw.splitlines(keepends=True):
        parsed = _parse_entry(entry)
        if parsed is None:
            continue
        ts, stream, final, content = parsed
        first_ts, acc = pending.pop(stream, (ts, b""))
        acc += content
        if not final:
            pending[stream] = (first_ts, acc)
            continue
        if since is not None and parse_timestamp(first_ts) < since:
            continue
        prefix = (first_ts + " ").encode() if timestamps else b""
        lines.append(prefix + acc + b"\n")
    return lines


def read_log(
    path: Path,
    *,
    timestamps: bool = False,
    tail_lines: int | None = None,
    since: float | None = None,
    limit_bytes: int | None = None,
) -> bytes:
    """What `GET pods/log` returns for a finished read (no follow)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return b""
    lines = render_entries(raw, timestamps=timestamps, since=since)
    if tail_lines is not None:
        lines = lines[-tail_lines:] if tail_lines > 0 else []
    data = b"".join(lines)
    return data[:limit_bytes] if limit_bytes is not None else data


async def follow_log(
    writer: LogWriter,
    *,
    timestamps: bool = False,
    tail_lines: int | None = None,
    since: float | None = None,
    limit_bytes: int | None = None,
) -> AsyncIterator[bytes]:
    """`kubectl logs -f`: what is there, then each new complete line until the container ends."""
    path = writer.path
    sent = 0
    event = asyncio.Event()
    # no await between the read and the stat: the writer cannot append in between
    first = read_log(path, timestamps=timestamps, tail_lines=tail_lines, since=since)
    offset = _complete_length(path)
    if first:
        chunk = first if limit_bytes is None else first[:limit_bytes]
        sent += len(chunk)
        yield chunk
    while limit_bytes is None or sent < limit_bytes:
        if writer.closed and _complete_length(path) <= offset:
            return
        if _complete_length(path) <= offset:
            await writer.wait_change(event)
            continue
        raw = _read_from(path, offset)
        end = _last_full_entry_end(raw)
        if end == 0:  # only partial (P) pieces of a long line so far: wait for its end
            if writer.closed:
                return
            await writer.wait_change(event)
            continue
        offset += end
        data = b"".join(render_entries(raw[:end], timestamps=timestamps, since=since))
        if limit_bytes is not None:
            data = data[: limit_bytes - sent]
        if data:
            sent += len(data)
            yield data


def _last_full_entry_end(raw: bytes) -> int:
    """Where the last complete (F) entry ends: P pieces after it stay for the next read."""
    end = 0
    pos = 0
    for entry in raw.splitlines(keepends=True):
        pos += len(entry)
        parsed = _parse_entry(entry) if entry.endswith(b"\n") else None
        if parsed is not None and parsed[2]:
            end = pos
    return end


def _read_from(path: Path, offset: int) -> bytes:
    """Local-disk reads of a few KiB: cheaper inline than a thread hop."""
    with open(path, "rb") as f:
        f.seek(offset)
        return f.read()


def _complete_length(path: Path) -> int:
    try:
        size = path.stat().st_size
    except OSError:
        return 0
    return size  # the writer only ever appends whole entries
