"""Local recordings: private folders, old ones deleted at start, the limits configurable."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kdebug_tui.config import ConfigError, parse_settings
from kdebug_tui.recordings import DAY, new_run_dir, sessions_root, tidy

NOW = 1_800_000_000.0


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def aged(path: Path, days: float) -> Path:
    os.utime(path, (NOW - days * DAY, NOW - days * DAY))
    return path


def test_a_run_folder_is_private_and_closes_folders_left_open(tmp_path: Path) -> None:
    root = sessions_root({"XDG_STATE_HOME": str(tmp_path)})
    root.mkdir(parents=True)
    root.chmod(0o755)
    root.parent.chmod(0o777)
    run = new_run_dir(root, now=NOW)
    assert run.parent == root and run.name.startswith("20270115T")
    assert mode(run) == mode(root) == mode(root.parent) == 0o700


def test_tidy_deletes_old_recordings_only_and_makes_the_rest_private(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    old_run = new_run_dir(root, now=NOW - 30 * DAY)
    new_run = new_run_dir(root, now=NOW)
    stale = old_run / "a.cast"
    stale.write_text("{}")
    aged(stale, 15)
    kept_record = old_run / "incident-x.tar.gz"
    kept_record.write_bytes(b"x")
    kept_record.chmod(0o644)
    aged(kept_record, 30)
    fresh = new_run / "b.cast"
    fresh.write_text("{}")
    fresh.chmod(0o644)
    aged(fresh, 13)
    only_old = new_run_dir(root, now=NOW - 60 * DAY)
    (only_old / "c.cast").write_text("{}")
    aged(only_old / "c.cast", 60)
    new_run.chmod(0o755)
    starting = new_run_dir(root, now=NOW - 1)  # another instance, starting: empty, new
    os.utime(starting, (NOW - 1, NOW - 1))
    for run in (old_run, only_old):
        os.utime(run, (NOW - 30 * DAY, NOW - 30 * DAY))
    stranger = root / "notes"  # not a folder we name: never touched
    stranger.mkdir()
    (stranger / "old.cast").write_text("{}")
    aged(stranger / "old.cast", 90)

    done = tidy(root, keep_days=14, now=NOW)

    assert sorted(done.deleted) == sorted([stale, only_old / "c.cast"])
    assert not stale.exists() and fresh.exists() and kept_record.exists()
    assert done.removed_dirs == [only_old] and not only_old.exists() and starting.exists()
    assert (stranger / "old.cast").exists()
    assert mode(fresh) == mode(kept_record) == 0o600 and mode(new_run) == 0o700
    assert done.modes_fixed == 3 and done.errors == []


def test_tidy_never_follows_links(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    run = new_run_dir(root, now=NOW)
    outside = tmp_path / "outside.cast"
    outside.write_text("keep")
    outside.chmod(0o644)
    aged(outside, 100)
    (run / "link.cast").symlink_to(outside)
    tidy(root, keep_days=1, now=NOW)
    assert outside.read_text() == "keep" and mode(outside) == 0o644


def test_tidy_of_a_missing_or_unreadable_root_is_quiet(tmp_path: Path) -> None:
    assert tidy(tmp_path / "none", keep_days=14).deleted == []
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert tidy(blocker / "sessions", keep_days=14).errors == []


def test_recording_settings_have_defaults_and_bounds() -> None:
    defaults = parse_settings("")
    assert (defaults.recording_max_mb, defaults.recording_keep_days) == (50.0, 14.0)
    chosen = parse_settings("recording_max_mb: 5\nrecording_keep_days: 2.5\n")
    assert (chosen.recording_max_mb, chosen.recording_keep_days) == (5.0, 2.5)
    for bad in (
        "recording_max_mb: 0",
        "recording_max_mb: true",
        "recording_keep_days: '14'",
        "recording_keep_days: .nan",
        "recording_keep_days: 0",
    ):
        with pytest.raises(ConfigError, match=bad.split(":")[0]):
            parse_settings(bad)
