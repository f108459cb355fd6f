"""Record a terminal session as an asciinema v2 `.cast` file.

The file is newline-delimited JSON: one header object, then `[time, code, data]` events
("o" output, "i" input, "r" resize as "COLSxROWS", "m" a marker). Output arrives as raw
bytes from an untrusted program; it is decoded incrementally (a UTF-8 character split
across chunks is kept whole) and JSON-escaped, so nothing in it can break the file's
structure.

The recorder is fed from the terminal's read loop, so it must never raise there: local
disk trouble (a full disk, a quota, an I/O error) must not end a remote shell. Once the
header is written, any OSError stops the recording instead (`stopped` says why, and
`on_stop` is called once so the pane can say so). A recording is also capped
(`max_bytes`): a flood of output stops it with a marker event rather than filling the disk.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import stat
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any

# Flush to disk at most this often while output streams, and always on resize and close,
# so a crash loses at most this much of the recording without a syscall per chunk.
FLUSH_INTERVAL = 0.5
# Room kept under `max_bytes` for the marker that says the recording stopped there.
MARKER_ROOM = 256
_BUFFER = 64 * 1024


def open_private(path: str | os.PathLike[str]) -> IO[bytes]:
    """`path` opened for writing as the user's own file (0600, truncated, never a symlink).

    A recording holds whatever the remote terminal showed, secrets included: another local
    user must not read it, and a planted symlink must not redirect it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):  # never chmod a device (/dev/null...)
            os.fchmod(fd, 0o600)  # an existing file keeps its mode through O_CREAT
        return open(fd, "wb", buffering=_BUFFER)
    except BaseException:
        os.close(fd)
        raise


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


class CastRecorder:
    """Append-only writer of one asciinema v2 recording.

    `metadata` (context, namespace, pod, container, image) goes under the header's
    "kdebug" key, which asciinema players ignore. Input is recorded only when
    `record_input` is set: typed passwords should not end up in a file by default.
    Opening the file or writing the header may raise OSError (nothing was recorded yet);
    after that no method raises OSError: the recording stops, see `stopped`.
    """

    def __init__(
        self,
        target: str | os.PathLike[str] | IO[str],
        *,
        width: int,
        height: int,
        title: str = "",
        env: Mapping[str, str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        record_input: bool = False,
        clock: Callable[[], float] = time.monotonic,
        timestamp: int | None = None,
        max_bytes: int | None = None,
        on_stop: Callable[[str], None] | None = None,
    ) -> None:
        self._binary: IO[bytes] | None = None
        self._text: IO[str] | None = None
        if isinstance(target, str | os.PathLike):
            self.path: Path | None = Path(target)
            self._binary = open_private(self.path)
        else:
            self.path = None
            self._text = target
        self.record_input = record_input
        self.max_bytes = max_bytes
        self._on_stop = on_stop
        self._clock = clock
        self._start = clock()
        self._last_time = 0.0
        self._last_flush = self._start
        self._output_decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._input_decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.closed = False
        self.stopped = ""  # why the recording ended early ("" while it runs or after close)
        self.written = 0  # bytes of the file so far
        default_env = {
            "TERM": os.environ.get("TERM", "xterm-256color"),
            "SHELL": os.environ.get("SHELL", "/bin/sh"),
        }
        header: dict[str, Any] = {
            "version": 2,
            "width": max(1, int(width)),
            "height": max(1, int(height)),
            "timestamp": int(time.time()) if timestamp is None else timestamp,
            "title": title,
            "env": dict(env) if env is not None else default_env,
        }
        if metadata:
            header["kdebug"] = dict(metadata)
        try:
            self._write(self._line(header))
            self._flush_file()
        except BaseException:
            self._close_file()
            raise

    # -- writing -----------------------------------------------------------------------
    @staticmethod
    def _line(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": ")) + "\n"

    def _write(self, line: str) -> None:
        if self._binary is not None:
            data = line.encode("utf-8", "replace")
            self._binary.write(data)
            self.written += len(data)
        elif self._text is not None:
            self._text.write(line)
            self.written += len(line.encode("utf-8", "replace"))

    def _flush_file(self) -> None:
        if self._binary is not None:
            self._binary.flush()
        elif self._text is not None:
            self._text.flush()

    def _close_file(self) -> None:
        """Close a file we opened; a failing close (data that cannot be flushed) is dropped."""
        if self._binary is None:
            return
        try:
            self._binary.close()
        except OSError:
            # the buffer could not be written: give up the fd without flushing again
            with contextlib.suppress(OSError, ValueError):
                os.close(self._binary.fileno())
        self._binary = None

    def _stop(self, reason: str) -> None:
        """End the recording early, once: close the file and tell `on_stop`."""
        if self.closed:
            return
        self.closed = True
        self.stopped = reason
        self._close_file()
        if self._on_stop is not None:
            # the listener's trouble must not reach the read loop either
            with contextlib.suppress(Exception):
                self._on_stop(reason)

    def _failed(self, exc: OSError) -> None:
        where = f" ({self.path})" if self.path is not None else ""
        self._stop(f"recording stopped: {exc.strerror or exc}{where}")

    def _now(self) -> float:
        elapsed = max(self._last_time, self._clock() - self._start)
        self._last_time = elapsed
        return round(elapsed, 6)

    def _event(self, code: str, text: str, *, force_flush: bool = False) -> None:
        if self.closed:
            return
        line = self._line([self._now(), code, text])
        try:
            if self.max_bytes is not None and self.written + len(line) * 4 > (
                self.max_bytes - MARKER_ROOM
            ):
                size = len(line.encode("utf-8", "replace"))
                if self.written + size > self.max_bytes - MARKER_ROOM:
                    self._at_limit()
                    return
            self._write(line)
            now = self._clock()
            if force_flush or now - self._last_flush >= FLUSH_INTERVAL:
                self._flush_file()
                self._last_flush = now
        except OSError as exc:
            self._failed(exc)

    def _at_limit(self) -> None:
        assert self.max_bytes is not None
        reason = f"recording stopped at its size limit ({_megabytes(self.max_bytes)})"
        marker = self._line([self._now(), "m", f"kdebug-tui: {reason}"])
        try:
            self._write(marker)
            self._flush_file()
        except OSError as exc:
            self._failed(exc)
            return
        self._stop(reason)

    # -- the public side ---------------------------------------------------------------
    def output(self, data: bytes) -> None:
        """Record program output; a partial UTF-8 character waits for the next chunk."""
        if self.closed or not data:
            return
        text = self._output_decoder.decode(data)
        if text:
            self._event("o", text)

    def input(self, data: bytes) -> None:
        """Record typed input, only if the recorder was asked to."""
        if self.closed or not data or not self.record_input:
            return
        text = self._input_decoder.decode(data)
        if text:
            self._event("i", text)

    def resize(self, columns: int, lines: int) -> None:
        self._event("r", f"{max(1, int(columns))}x{max(1, int(lines))}", force_flush=True)

    def flush(self) -> None:
        if self.closed:
            return
        try:
            self._flush_file()
        except OSError as exc:
            self._failed(exc)
            return
        self._last_flush = self._clock()

    def close(self) -> None:
        """Write out any half-decoded character, flush, and close a file we opened."""
        if self.closed:
            return
        tail = self._output_decoder.decode(b"", final=True)
        if tail:
            self._event("o", tail)
        if self.record_input and not self.closed:
            tail = self._input_decoder.decode(b"", final=True)
            if tail:
                self._event("i", tail)
        if self.closed:  # stopped while writing the tail
            return
        try:
            self._flush_file()
        except OSError as exc:
            self._failed(exc)
            return
        self.closed = True
        self._close_file()

    def __enter__(self) -> CastRecorder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def read_cast(path: str | os.PathLike[str]) -> tuple[dict[str, Any], list[list[Any]]]:
    """Parse a .cast file back into (header, events); used by tests and tooling."""
    with open(path, encoding="utf-8") as handle:
        lines = [line for line in handle.read().splitlines() if line.strip()]
    if not lines:
        raise ValueError(f"{path}: empty recording")
    header = json.loads(lines[0])
    events = [json.loads(line) for line in lines[1:]]
    return header, events


__all__ = ["CastRecorder", "open_private", "read_cast"]
