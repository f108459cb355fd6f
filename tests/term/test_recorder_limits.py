"""A recording never takes the session down: a full disk or the size cap stop it, quietly.

The full disk is real: the recording's file descriptor is replaced (dup2) by one on
/dev/full, whose every write fails in the kernel with ENOSPC, exactly as on a full disk.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from kdebug_tui.term.recorder import MARKER_ROOM, CastRecorder, open_private, read_cast

needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


def fill_disk_under(path: Path) -> None:
    """Make every later write to the open file `path` fail with ENOSPC (on this process)."""
    target = str(path.resolve())
    full = os.open("/dev/full", os.O_WRONLY)
    try:
        fds = [
            int(fd)
            for fd in os.listdir("/proc/self/fd")
            if os.path.realpath(f"/proc/self/fd/{fd}") == target
        ]
        assert fds, f"{path} is not open"
        for fd in fds:
            os.dup2(full, fd)
    finally:
        os.close(full)


@needs_dev_full
def test_a_full_disk_stops_the_recording_once_and_never_raises(tmp_path: Path) -> None:
    path = tmp_path / "s.cast"
    reasons: list[str] = []
    rec = CastRecorder(path, width=80, height=24, on_stop=reasons.append)
    rec.output(b"before the disk filled\r\n")
    rec.flush()
    fill_disk_under(path)
    for _ in range(200):  # more than the write buffer: the kernel is asked, and says ENOSPC
        rec.output(b"x" * 1024)
    rec.resize(100, 30)
    rec.flush()
    rec.close()
    assert rec.closed and reasons == [rec.stopped]
    assert os.strerror(errno.ENOSPC) in rec.stopped and str(path) in rec.stopped
    header, events = read_cast(path)  # what reached the disk before is intact
    assert header["version"] == 2 and events[0][2] == "before the disk filled\r\n"


@needs_dev_full
def test_a_recording_that_cannot_start_raises_and_leaves_the_device_alone() -> None:
    before = os.stat("/dev/full")
    with pytest.raises(OSError) as caught:
        CastRecorder("/dev/full", width=80, height=24)
    assert caught.value.errno == errno.ENOSPC
    assert os.stat("/dev/full").st_mode == before.st_mode  # no chmod of a device


def test_the_size_cap_ends_the_recording_with_a_marker(tmp_path: Path) -> None:
    path = tmp_path / "flood.cast"
    reasons: list[str] = []
    cap = 20_000
    rec = CastRecorder(path, width=80, height=24, max_bytes=cap, on_stop=reasons.append)
    for i in range(2_000):
        rec.output(f"line {i} ".encode() + b"\xe4\xb8\xad" * 20 + b"\r\n")
    rec.close()
    assert len(reasons) == 1 and "size limit" in reasons[0] and "0.02 MB" in reasons[0]
    assert cap - MARKER_ROOM <= path.stat().st_size <= cap
    _, events = read_cast(path)
    assert events[-1][1] == "m" and "size limit" in events[-1][2]
    assert [e[1] for e in events[:-1]] == ["o"] * (len(events) - 1)
    assert "line 0 " in events[0][2] and rec.written == path.stat().st_size


def test_below_the_cap_nothing_stops(tmp_path: Path) -> None:
    path = tmp_path / "small.cast"
    reasons: list[str] = []
    with CastRecorder(path, width=80, height=24, max_bytes=1_000_000, on_stop=reasons.append) as r:
        r.output(b"hello")
    assert reasons == [] and r.stopped == ""
    assert [e[2] for e in read_cast(path)[1]] == ["hello"]


def test_recordings_are_private_files_and_never_follow_a_link(tmp_path: Path) -> None:
    old_umask = os.umask(0)
    try:
        existing = tmp_path / "old.cast"
        existing.write_text("stale")
        existing.chmod(0o644)
        with CastRecorder(existing, width=80, height=24) as rec:
            rec.output(b"new")
        assert stat.S_IMODE(existing.stat().st_mode) == 0o600
        assert json.loads(existing.read_text().splitlines()[0])["version"] == 2
    finally:
        os.umask(old_umask)
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    link = tmp_path / "planted.cast"
    link.symlink_to(victim)
    with pytest.raises(OSError) as caught:
        open_private(link)
    assert caught.value.errno == errno.ELOOP and victim.read_text() == "keep me"
