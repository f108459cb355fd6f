"""Where a download goes by default: the user's download folder, never the current directory.

Started from a checkout, `./<name>` put a container's file among the project's sources
(issue 12 item 9). The order follows the XDG user-dirs convention that file managers and
browsers use: $XDG_DOWNLOAD_DIR, then XDG_DOWNLOAD_DIR in $XDG_CONFIG_HOME/user-dirs.dirs,
then ~/Downloads if it exists, then the home directory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_LINE = re.compile(r'^\s*XDG_DOWNLOAD_DIR\s*=\s*"?([^"\n]*)"?\s*$', re.M)


def _user_dirs_entry(home: Path) -> str | None:
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    try:
        text = (config / "user-dirs.dirs").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = _LINE.search(text)
    if match is None:
        return None
    return match.group(1).replace("$HOME", str(home)).strip() or None


def download_dir() -> str:
    """An existing directory for downloads (absolute)."""
    home = Path(os.path.expanduser("~"))
    for candidate in (os.environ.get("XDG_DOWNLOAD_DIR"), _user_dirs_entry(home)):
        if candidate and os.path.isdir(os.path.expanduser(candidate)):
            return str(Path(os.path.expanduser(candidate)).absolute())
    downloads = home / "Downloads"
    return str(downloads if downloads.is_dir() else home)
