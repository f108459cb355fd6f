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
        """Append a chunk of output. One timestamp per chunk and one join for all its
        lines: a flood of short lines must not cost a clock read and a format per line."""
        if self.closed or not data:
            return
        lines = (self._partial[stream] + data).split(b"\n")
        pending = lines.pop()
        head = f"{rfc3339nano()} {stream} ".encode()
        out: list[bytes] = []
        if lines:
            if max(map(len, lines)) < MAX_LINE:
                full = head + b"F "
                out.append(full + (b"\n" + full).join(lines) + b"\n")
            else:
                for line in lines:
                    out.extend(self._entries(head, line, final=True))
        while len(pending) >= MAX_LINE:
            out.extend(self._entries(head, pending[:MAX_LINE], final=False))
            pending = pending[MAX_LINE:]
        self._partial[stream] = pending
        if out:
            self._file.write(b"".join(out))
            self._file.flush()
            self._wake()

    @staticmethod
    def _entries(head: bytes, line: bytes, *, final: bool) -> list[bytes]:
        tag = b"F" if final else b"P"
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
                head = f"{rfc3339nano()} {stream} ".encode()
                self._file.write(b"".join(self._entries(head, pending, final=True)))
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


def _parse_entry(raw: bytes) -> tuple[bytes, bytes, bool, bytes] | None:
    parts = raw.split(b" ", 3)
    if len(parts) < 3:
        return None
    return parts[0], parts[1], parts[2] == b"F", parts[3] if len(parts) == 4 else b""


def render(raw: bytes, *, timestamps: bool = False, since: float | None = None) -> bytes:
    """CRI entries (ending at an entry boundary) -> the bytes the API server returns:
    the content, the timestamp in front if asked, long lines' pieces joined again."""
    out: list[bytes] = []
    pending: dict[bytes, tuple[bytes, bytes]] = {}
    seen: dict[bytes, float] = {}  # entries of one chunk share a timestamp: parse it once
    for entry in raw.split(b"\n"):
        parsed = _parse_entry(entry) if entry else None
        if parsed is None:
            continue
        ts, stream, final, content = parsed
        if stream in pending:
            ts, head = pending.pop(stream)
            content = head + content
        if not final:
            pending[stream] = (ts, content)
            continue
        if since is not None:
            when = seen.get(ts)
            if when is None:
                when = seen[ts] = parse_timestamp(ts.decode())
            if when < since:
                continue
        out.append(ts + b" " + content if timestamps else content)
    return b"\n".join(out) + b"\n" if out else b""


def _last_lines(data: bytes, count: int) -> bytes:
    """The last `count` newline-terminated lines of `data`."""
    if count <= 0:
        return b""
    pos = len(data) - 1
    for _ in range(count):
        pos = data.rfind(b"\n", 0, pos)
        if pos < 0:
            return data
    return data[pos + 1 :]


def _last_entries(raw: bytes, count: int) -> bytes:
    """At least the entries of the last `count` log lines (a long line is several P
    entries and an F): cut so no line loses its first pieces."""
    cut = raw[len(raw) - len(_last_lines(raw, count)) :]
    start = len(raw) - len(cut)
    while start > 0:
        prev = raw.rfind(b"\n", 0, start - 1) + 1
        parsed = _parse_entry(raw[prev : start - 1])
        if parsed is None or parsed[2]:
            break
        start = prev
    return raw[start:]


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
    if tail_lines is not None:
        raw = _last_entries(raw, tail_lines)  # do not render what the tail drops
    data = render(raw, timestamps=timestamps, since=since)
    if tail_lines is not None:
        data = _last_lines(data, tail_lines)
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
        data = render(raw[:end], timestamps=timestamps, since=since)
        if limit_bytes is not None:
            data = data[: limit_bytes - sent]
        if data:
            sent += len(data)
            yield data


def _last_full_entry_end(raw: bytes) -> int:
    """Where the last complete (F) entry ends: P pieces after it stay for the next read."""
    end = 0
    pos = 0
    for entry in raw.split(b"\n")[:-1]:  # the piece after the last newline is unfinished
        pos += len(entry) + 1
        parsed = _parse_entry(entry)
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
