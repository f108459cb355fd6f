"""Container log files: CRI format written, `GET pods/log` semantics read back."""

from __future__ import annotations

import time
from pathlib import Path

from kdebug_tui.sandbox.logs import MAX_LINE, LogWriter, parse_timestamp, read_log, rfc3339nano


def write(path: Path, *chunks: tuple[str, bytes]) -> LogWriter:
    writer = LogWriter(path)
    for stream, data in chunks:
        writer.write(stream, data)
    return writer


def test_lines_keep_carriage_returns_and_streams(tmp_path: Path) -> None:
    path = tmp_path / "0.log"
    writer = write(
        path,
        ("stdout", b"progress 10%\rprogress 90%\r\ndone\n"),
        ("stderr", b"warn: x\n"),
        ("stdout", b"no newline yet"),
    )
    assert read_log(path) == b"progress 10%\rprogress 90%\r\ndone\nwarn: x\n"
    writer.close()  # the unterminated line is flushed when the container ends
    assert read_log(path).endswith(b"warn: x\nno newline yet\n")
    entries = path.read_bytes().split(b"\n")
    assert entries[0].split(b" ", 3)[1:3] == [b"stdout", b"F"]
    assert entries[2].split(b" ", 3)[1:3] == [b"stderr", b"F"]


def test_tail_since_limit_and_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "0.log"
    long_line = b"x" * (MAX_LINE * 2 + 5)
    writer = write(path, ("stdout", b"old 1\nold 2\nnew 1\n" + long_line + b"\nnew 3\n"))
    writer.close()
    # give the entries known times: the first two an hour ago
    entries = path.read_bytes().split(b"\n")[:-1]
    assert [e.split(b" ")[2] for e in entries] == [b"F", b"F", b"F", b"P", b"P", b"F", b"F"]
    hour_ago = rfc3339nano(time.time_ns() - 3600 * 10**9).encode()
    dated = [hour_ago + e[e.index(b" ") :] if i < 2 else e for i, e in enumerate(entries)]
    path.write_bytes(b"\n".join(dated) + b"\n")

    assert read_log(path, tail_lines=2) == long_line + b"\nnew 3\n"
    assert read_log(path, tail_lines=0) == b""
    assert read_log(path, tail_lines=100).startswith(b"old 1\n")
    assert read_log(path, since=time.time() - 60) == b"new 1\n" + long_line + b"\nnew 3\n"
    assert read_log(path, limit_bytes=8) == b"old 1\nol"
    stamped = read_log(path, timestamps=True, tail_lines=1).decode()
    stamp, text = stamped.split(" ", 1)
    assert text == "new 3\n" and abs(parse_timestamp(stamp) - time.time()) < 60
    assert read_log(tmp_path / "missing.log") == b""


def test_rfc3339nano_like_go() -> None:
    assert rfc3339nano(1_700_000_000_000_000_000) == "2023-11-14T22:13:20Z"
    assert rfc3339nano(1_700_000_000_120_000_000) == "2023-11-14T22:13:20.12Z"
    assert rfc3339nano(1_700_000_000_000_000_001) == "2023-11-14T22:13:20.000000001Z"
    assert parse_timestamp("2023-11-14T22:13:20.12Z") == 1_700_000_000.12
