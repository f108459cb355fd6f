"""asciinema v2 recordings, checked by parsing the file back."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdebug_tui.term.recorder import CastRecorder, read_cast


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_header_and_events_round_trip(tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "session.cast"
    meta = {
        "context": "sandbox-admin",
        "namespace": "default",
        "pod": "multi",
        "container": "debugger-x1",
        "image": "busybox:1.36",
    }
    with CastRecorder(
        path,
        width=100,
        height=30,
        title="multi/debugger-x1",
        env={"TERM": "xterm-256color", "SHELL": "/bin/sh"},
        metadata=meta,
        clock=clock,
        timestamp=1_700_000_000,
    ) as rec:
        clock.now += 0.25
        rec.output(b"hello\r\n")
        clock.now += 0.5
        rec.resize(120, 40)
        clock.now += 1.0
        rec.output(b"\x1b[1mbold\x1b[0m")
    header, events = read_cast(path)
    assert header == {
        "version": 2,
        "width": 100,
        "height": 30,
        "timestamp": 1_700_000_000,
        "title": "multi/debugger-x1",
        "env": {"TERM": "xterm-256color", "SHELL": "/bin/sh"},
        "kdebug": meta,
    }
    assert events == [
        [0.25, "o", "hello\r\n"],
        [0.75, "r", "120x40"],
        [1.75, "o", "\x1b[1mbold\x1b[0m"],
    ]


def test_split_utf8_characters_are_never_broken(tmp_path: Path) -> None:
    path = tmp_path / "utf8.cast"
    text = "h\u00e9llo \u4e2d\u6587 \U0001f600!"
    data = text.encode()
    with CastRecorder(path, width=80, height=24) as rec:
        for index in range(len(data)):  # one byte at a time: every split point
            rec.output(data[index : index + 1])
    _, events = read_cast(path)
    assert "".join(event[2] for event in events) == text
    assert all("\ufffd" not in event[2] for event in events)


def test_hostile_bytes_stay_inside_json_strings(tmp_path: Path) -> None:
    path = tmp_path / "hostile.cast"
    hostile = b'"]\n{"version": 3}\n\x00\x07\x1b]0;pwned\x07\xff\xfe\\' + b"\xe2\x80\xae"
    with CastRecorder(path, width=80, height=24) as rec:
        rec.output(hostile)
    raw = path.read_text(encoding="utf-8").splitlines()
    assert len(raw) == 2  # header + one event: the embedded newline was escaped
    header, events = read_cast(path)
    assert header["version"] == 2
    assert events[0][1] == "o"
    assert events[0][2].startswith('"]\n{"version": 3}\n\x00\x07\x1b]0;pwned\x07')
    assert "\ufffd" in events[0][2]  # invalid bytes replaced, not dropped silently


def test_input_is_off_by_default(tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.cast"
    with CastRecorder(quiet, width=80, height=24) as rec:
        rec.input(b"secret\r")
        rec.output(b"ok")
    _, events = read_cast(quiet)
    assert [event[1] for event in events] == ["o"]

    loud = tmp_path / "loud.cast"
    with CastRecorder(loud, width=80, height=24, record_input=True) as rec:
        rec.input(b"ls\r")
    _, events = read_cast(loud)
    assert events[0][1:] == ["i", "ls\r"]


def test_timestamps_never_go_backwards(tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "time.cast"
    with CastRecorder(path, width=80, height=24, clock=clock) as rec:
        clock.now += 2.0
        rec.output(b"a")
        clock.now -= 1.0  # a clock that steps back must not produce a decreasing time
        rec.output(b"b")
    _, events = read_cast(path)
    assert [event[0] for event in events] == [2.0, 2.0]


def test_writes_to_an_open_stream_and_flushes() -> None:
    stream = io.StringIO()
    rec = CastRecorder(stream, width=10, height=5, title="t")
    rec.output(b"x")
    rec.flush()
    lines = stream.getvalue().splitlines()
    assert json.loads(lines[0])["width"] == 10
    assert json.loads(lines[1])[1:] == ["o", "x"]
    rec.close()
    rec.output(b"after close")  # ignored, no error
    assert len(stream.getvalue().splitlines()) == 2


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), cuts=st.lists(st.integers(0, 300), max_size=8))
def test_any_bytes_split_anywhere_decode_as_one_stream(
    tmp_path: Path, data: bytes, cuts: list[int]
) -> None:
    path = tmp_path / "prop.cast"
    bounds = sorted({0, len(data), *(cut for cut in cuts if cut <= len(data))})
    with CastRecorder(path, width=80, height=24) as rec:
        for start, end in itertools.pairwise(bounds):
            rec.output(data[start:end])
    _, events = read_cast(path)
    assert "".join(event[2] for event in events) == data.decode("utf-8", "replace")
