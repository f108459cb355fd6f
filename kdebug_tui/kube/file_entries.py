"""What a target's directory listing looks like: entries, the stat format and its parser.

Pure. The listing comes from `find DIR/ -mindepth 1 -maxdepth 1 -exec stat -c FORMAT {} +`
(busybox and GNU alike), one line per entry with the path last.
"""

from __future__ import annotations

import posixpath
import re
import stat as statmod
from dataclasses import dataclass

from .errors import KubeError

STAT_FORMAT = "%f %s %Y %u %g %n"
_KINDS = {
    statmod.S_IFREG: "file",
    statmod.S_IFDIR: "dir",
    statmod.S_IFLNK: "link",
    statmod.S_IFIFO: "fifo",
    statmod.S_IFSOCK: "socket",
    statmod.S_IFCHR: "char",
    statmod.S_IFBLK: "block",
}


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str  # file dir link fifo socket char block other
    size: int
    mode: int  # permission bits (0o7777)
    mtime: int  # epoch seconds
    uid: int | None = None
    gid: int | None = None


_META = re.compile(rb"^([0-9a-fA-F]+) (\d+) (\d+) (\d+|\?) (\d+|\?) (.*)$", re.DOTALL)


def parse_listing(data: bytes, directory: str) -> list[Entry]:
    """`stat -c '%f %s %Y %u %g %n'` lines for paths under `directory`.

    A line starts a new entry only when it has the metadata shape *and* its path lies under
    `directory`; any other line continues the previous name (a name with a newline)."""
    prefix = directory.rstrip("/").encode() + b"/"
    raw: list[list[bytes]] = []
    for line in (data[:-1] if data.endswith(b"\n") else data).split(b"\n"):
        match = _META.match(line)
        if match and match.group(6).startswith(prefix):
            raw.append(list(match.groups()))
        elif raw:
            raw[-1][5] += b"\n" + line
    entries = []
    for mode_hex, size, mtime, uid, gid, path in raw:
        raw_mode = int(mode_hex, 16)
        name = path[len(prefix) :].lstrip(b"/").decode("utf-8", "replace")
        if not name:
            continue
        entries.append(
            Entry(
                name,
                _KINDS.get(statmod.S_IFMT(raw_mode), "other"),
                int(size),
                raw_mode & 0o7777,
                int(mtime),
                int(uid) if uid.isdigit() else None,
                int(gid) if gid.isdigit() else None,
            )
        )
    return sorted(entries, key=lambda e: (e.kind != "dir", e.name))


def clean_path(path: str) -> str:
    """An absolute, normalised path inside the target (no '..' ever sent)."""
    if not path or "\0" in path:
        raise KubeError("Invalid path", f"invalid path {path!r}", reason="InvalidPath")
    return posixpath.normpath("/" + path.lstrip("/")).replace("//", "/")
