"""The sandbox's own files that container processes open, where every uid can reach them.

Image programs (web.py for kdebug.local/distroless-web), the busybox `ps` shim and the
shell's rc file are read by processes running as the pod's user (runAsUser 1000, the
distroless 65532...). The package may live under a directory only root can enter (a
checkout in /root, a CI work tree under a 0700 parent): those processes then fail with
EACCES and the container crash-loops, which looked like flaky tests. So, when any
directory above the package is closed to others, the files are copied once per process
into a world-readable temporary directory, removed at exit.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import stat
import tempfile
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def reachable_by_anyone(path: Path) -> bool:
    """Whether a process of any uid can open `path` (search on every directory above it,
    read on the file or directory itself)."""
    try:
        if not os.stat(path).st_mode & stat.S_IROTH:
            return False
        for parent in path.parents:
            if not os.stat(parent).st_mode & stat.S_IXOTH:
                return False
    except OSError:
        return False
    return True


@functools.cache
def _staged_root() -> Path:
    # $TMPDIR may itself be private (a per-user or per-test directory): then /tmp
    parent = Path(tempfile.gettempdir())
    where = parent if reachable_by_anyone(parent) else Path("/tmp")
    root = Path(tempfile.mkdtemp(prefix="kdebug-sandbox-files-", dir=where))
    atexit.register(shutil.rmtree, root, True)
    for name in ("programs", "data"):
        skip = shutil.ignore_patterns("__pycache__")
        shutil.copytree(PACKAGE_DIR / name, root / name, ignore=skip)
    for dirpath, _subdirs, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for filename in filenames:
            file = Path(dirpath) / filename
            executable = os.stat(file).st_mode & stat.S_IXUSR or "busybox-bin" in dirpath
            os.chmod(file, 0o755 if executable else 0o644)
    os.chmod(root, 0o755)
    return root


def shared_path(relative: str) -> Path:
    """`relative` (under the sandbox package, e.g. "programs/web.py") at a path any uid can
    open: the package's own file when it is reachable, else the staged copy."""
    own = PACKAGE_DIR / relative
    if reachable_by_anyone(own):
        return own
    return _staged_root() / relative
