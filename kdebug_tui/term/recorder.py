"""Record a terminal session as an asciinema v2 `.cast` file.

The file is newline-delimited JSON: one header object, then `[time, code, data]` events
("o" output, "i" input, "r" resize as "COLSxROWS"). Output arrives as raw bytes from an
untrusted program; it is decoded incrementally (a UTF-8 character split across chunks is
kept whole) and JSON-escaped, so nothing in it can break the file's structure.
"""

from __future__ import annotations

import codecs
import json
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any

# Flush to disk at most this often while output streams, and always on resize and close,
# so a crash loses at most this much of the recording without a syscall per chunk.
FLUSH_INTERVAL = 0.5


class CastRecorder:
    """Append-only writer of one asciinema v2 recording.

    `metadata` (context, namespace, pod, container, image) goes under the header's
    "kdebug" key, which asciinema players ignore. Input is recorded only when
    `record_input` is set: typed passwords should not end up in a file by default.
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
    ) -> None:
        if isinstance(target, str | os.PathLike):
            self.path: Path | None = Path(target)
            self._file: IO[str] = open(self.path, "w", encoding="utf-8")  # noqa: SIM115
            self._owns_file = True
        else:
            self.path = None
            self._file = target
            self._owns_file = False
        self.record_input = record_input
        self._clock = clock
        self._start = clock()
        self._last_time = 0.0
        self._last_flush = self._start
        self._output_decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._input_decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.closed = False
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
        self._write_line(header)
        self._file.flush()

    def _now(self) -> float:
        elapsed = max(self._last_time, self._clock() - self._start)
        self._last_time = elapsed
        return round(elapsed, 6)

    def _write_line(self, value: object) -> None:
        self._file.write(json.dumps(value, ensure_ascii=False, separators=(", ", ": ")) + "\n")

    def _event(self, code: str, text: str, *, force_flush: bool = False) -> None:
        if self.closed:
            return
        self._write_line([self._now(), code, text])
        now = self._clock()
        if force_flush or now - self._last_flush >= FLUSH_INTERVAL:
            self._file.flush()
            self._last_flush = now

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
        if not self.closed:
            self._file.flush()
            self._last_flush = self._clock()

    def close(self) -> None:
        """Write out any half-decoded character, flush, and close a file we opened."""
        if self.closed:
            return
        tail = self._output_decoder.decode(b"", final=True)
        if tail:
            self._event("o", tail)
        if self.record_input:
            tail = self._input_decoder.decode(b"", final=True)
            if tail:
                self._event("i", tail)
        self._file.flush()
        self.closed = True
        if self._owns_file:
            self._file.close()

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


__all__ = ["CastRecorder", "read_cast"]
