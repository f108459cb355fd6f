"""Where session recordings live on this machine, and how long: headless, no textual.

A recording is the raw terminal output of a remote shell, secrets included (redaction
happens only when an incident record is exported). So the folder is the user's alone
(0700 directories, 0600 files, fixed at every start for folders an older version left
open), each recording is capped (config `recording_max_mb`), and recordings older than
`recording_keep_days` are deleted when the app starts. Exported incident records in the
same folders are the user's deliberate copies and are kept; a run folder left empty goes.

Layout: `$XDG_STATE_HOME/kdebug-tui/sessions/<UTC time>-<pid>/<pane>.cast` (XDG's default
state home is `~/.local/state`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
DAY = 86_400.0
# What this module creates inside the sessions root; nothing else there is touched.
_RUN_DIR = re.compile(r"^\d{8}T\d{6}Z-\d+$")


def state_home(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_STATE_HOME") or ""
    # XDG: a relative path is invalid and must be ignored.
    return Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "state"


def sessions_root(environ: dict[str, str] | None = None) -> Path:
    return state_home(environ) / "kdebug-tui" / "sessions"


def new_run_dir(root: Path | None = None, *, now: float | None = None) -> Path:
    """A fresh private folder for this run's recordings (raises OSError when impossible)."""
    root = sessions_root() if root is None else root
    _private_dirs(root)
    stamp = dt.datetime.fromtimestamp(time.time() if now is None else now, dt.UTC)
    path = root / f"{stamp.strftime('%Y%m%dT%H%M%SZ')}-{os.getpid()}"
    path.mkdir(mode=DIR_MODE, exist_ok=True)
    _fix_mode(path, DIR_MODE)
    return path


def _private_dirs(root: Path) -> None:
    """Create `root` and its kdebug-tui parent as 0700, and close them if they are open."""
    root.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    for folder in (root.parent, root):  # .../kdebug-tui and .../kdebug-tui/sessions
        _fix_mode(folder, DIR_MODE)


def _fix_mode(path: Path, mode: int) -> bool:
    """chmod `path` to `mode` if it is ours and not a link; True when it was changed."""
    info = os.lstat(path)
    if info.st_uid != os.geteuid() or stat.S_ISLNK(info.st_mode):
        return False
    if stat.S_IMODE(info.st_mode) == mode:
        return False
    os.chmod(path, mode, follow_symlinks=False)
    return True


@dataclass
class Tidied:
    """What `tidy` did (for a log line; nothing here is shown unless asked)."""

    deleted: list[Path] = field(default_factory=list)
    removed_dirs: list[Path] = field(default_factory=list)
    modes_fixed: int = 0
    errors: list[str] = field(default_factory=list)


def tidy(root: Path | None = None, *, keep_days: float, now: float | None = None) -> Tidied:
    """Delete recordings older than `keep_days`, and make what stays private.

    Blocking file I/O: the app runs it in a thread at start. Only run folders this module
    names (`<UTC time>-<pid>`) and files owned by the user are touched; links are never
    followed; a file that cannot be handled is noted and skipped, never fatal."""
    root = sessions_root() if root is None else root
    done = Tidied()
    cutoff = (time.time() if now is None else now) - keep_days * DAY
    try:
        if not root.is_dir():
            return done
        _private_dirs(root)
        runs = sorted(root.iterdir())
    except OSError as exc:
        done.errors.append(f"{root}: {exc.strerror or exc}")
        return done
    for run in runs:
        if not _RUN_DIR.match(run.name):
            continue
        try:
            info = os.lstat(run)
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
                continue
            done.modes_fixed += _fix_mode(run, DIR_MODE)
            _tidy_run(run, cutoff, done)
            # Only an old folder goes: a new, still empty one is another run starting now.
            if info.st_mtime < cutoff and not any(run.iterdir()):
                run.rmdir()
                done.removed_dirs.append(run)
        except OSError as exc:
            done.errors.append(f"{run}: {exc.strerror or exc}")
    return done


def _tidy_run(run: Path, cutoff: float, done: Tidied) -> None:
    for entry in run.iterdir():
        try:
            info = os.lstat(entry)
            if info.st_uid != os.geteuid() or stat.S_ISLNK(info.st_mode):
                continue
            if stat.S_ISREG(info.st_mode):
                if entry.suffix == ".cast" and info.st_mtime < cutoff:
                    entry.unlink()
                    done.deleted.append(entry)
                    continue
                done.modes_fixed += _fix_mode(entry, FILE_MODE)
            elif stat.S_ISDIR(info.st_mode):  # an exported record written as a folder
                done.modes_fixed += _fix_mode(entry, DIR_MODE)
        except OSError as exc:
            done.errors.append(f"{entry}: {exc.strerror or exc}")


__all__ = ["Tidied", "new_run_dir", "sessions_root", "state_home", "tidy"]
