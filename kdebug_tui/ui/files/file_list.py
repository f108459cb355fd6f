"""The file browser's listing: one row per entry, as `ls -l` would say it.

Display only: the rows come from `TargetFiles.list_dir` (kube/files.py) through the files
screen. Names are the target's and may hold anything (newlines, escapes): they are shown
cleaned, and rows are keyed by position so odd names never collide.
"""

from __future__ import annotations

import stat as statmod
import time
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from kdebug_tui.ui.common.safe_text import clean

KIND_BITS = {
    "file": statmod.S_IFREG,
    "dir": statmod.S_IFDIR,
    "link": statmod.S_IFLNK,
    "fifo": statmod.S_IFIFO,
    "socket": statmod.S_IFSOCK,
    "char": statmod.S_IFCHR,
    "block": statmod.S_IFBLK,
}
KIND_STYLES = {"dir": "bold blue", "link": "cyan", "socket": "magenta", "fifo": "yellow"}
COLUMNS = ("kind", "name", "size", "mode", "modified", "owner")


def format_mode(kind: str, mode: int) -> str:
    """`drwxr-xr-x`, from the entry's kind and permission bits."""
    return statmod.filemode(KIND_BITS.get(kind, 0) | (mode & 0o7777))


def format_size(size: int) -> str:
    """Bytes as `ls -lh` shows them: 512, 1.5K, 20M."""
    value = float(size)
    for unit in ("", "K", "M", "G", "T"):
        if value < 1024 or unit == "T":
            if not unit:
                return str(int(value))
            return f"{value:.1f}{unit}" if value < 10 else f"{value:.0f}{unit}"
        value /= 1024
    return str(size)


def format_mtime(mtime: int) -> str:
    """UTC, so the same file reads the same for everyone in the incident channel."""
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(mtime))


def display_name(entry: Any) -> str:
    name = clean(entry.name, 200)
    return name + "/" if entry.kind == "dir" else name


class FileList(DataTable[Any]):
    """The current directory; `entries[i]` is the entry of row key `str(i)`.

    Home/End and G go to the first/last entry (DataTable's own Home/End scroll columns);
    j/k move like down/up. `g` stays the screen's download key."""

    DEFAULT_CSS = "FileList { height: 1fr; }"
    BINDINGS = [
        Binding("home", "scroll_top", "First", show=False),
        Binding("end,G", "scroll_bottom", "Last", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.entries: list[Any] = []

    def on_mount(self) -> None:
        for column in COLUMNS:
            self.add_column(column.upper(), key=column)

    def show(self, entries: Sequence[Any]) -> None:
        self.clear()
        self.entries = list(entries)
        for index, entry in enumerate(self.entries):
            owner = (
                f"{'' if entry.uid is None else entry.uid}:{'' if entry.gid is None else entry.gid}"
            )
            self.add_row(
                Text(entry.kind, style=KIND_STYLES.get(entry.kind, "")),
                Text(display_name(entry), style=KIND_STYLES.get(entry.kind, "")),
                Text(format_size(entry.size), justify="right"),
                format_mode(entry.kind, entry.mode),
                format_mtime(entry.mtime),
                owner,
                key=str(index),
            )
        if self.entries:
            self.move_cursor(row=0)

    @property
    def selected(self) -> Any:
        """The entry under the cursor, or None in an empty directory."""
        if not self.entries or self.cursor_row < 0 or self.cursor_row >= len(self.entries):
            return None
        return self.entries[self.cursor_row]

    def keep_cursor_visible(self) -> None:
        """After the screen around the table changed size (the transfer line appeared)."""
        self.call_after_refresh(self.move_cursor, row=self.cursor_row, animate=False)

    def select_name(self, name: str) -> None:
        """Put the cursor on `name` (after going up: on the directory we came from)."""
        for index, entry in enumerate(self.entries):
            if entry.name == name:
                self.move_cursor(row=index)
                # again once the new rows are laid out, so the row is scrolled into view
                self.call_after_refresh(self.move_cursor, row=index, animate=False)
                return
