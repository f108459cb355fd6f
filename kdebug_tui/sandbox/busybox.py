"""Real busybox applets for the sandbox's busybox and alpine images.

What a test asserts about a debug shell (`ps` printing `PID   USER     COMMAND`, a missing
program reading `sh: FOO: not found`, `{ps} sh -c ...` for an applet the shell runs itself)
is only worth something when it is what busybox prints. So those images run the machine's
busybox (Debian: `apt-get install busybox-static`; .ci/run installs it): a world-readable
directory of applet links first on PATH, like /bin in the image. Commands keep their bare
names (`sh`, not the link's path), so `ps` shows them as a real container does.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from kdebug_tui.sandbox.staging import reachable_by_anyone

BUSYBOX_REPOS = ("library/busybox", "library/alpine")
INSTALL_HINT = "install busybox (Debian: apt-get install busybox-static)"


def busybox_binary() -> str | None:
    for candidate in (shutil.which("busybox"), "/bin/busybox", "/usr/bin/busybox"):
        if candidate and os.access(candidate, os.X_OK):
            return str(Path(candidate).resolve())
    return None


@functools.cache
def applet_dir() -> str | None:
    """A directory holding one link per busybox applet, or None without busybox."""
    binary = busybox_binary()
    if binary is None or not reachable_by_anyone(Path(binary)):
        return None
    try:
        listed = subprocess.run(
            [binary, "--list"], capture_output=True, text=True, check=True, timeout=10
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    parent = Path(tempfile.gettempdir())
    where = parent if reachable_by_anyone(parent) else Path("/tmp")
    root = Path(tempfile.mkdtemp(prefix="kdebug-busybox-", dir=where))
    atexit.register(shutil.rmtree, root, True)
    for applet in listed:
        if "/" not in applet:
            (root / applet).symlink_to(binary)
    os.chmod(root, 0o755)
    return str(root)


def is_busybox_image(repo: str) -> bool:
    """`repo` as images.split_reference returns it (docker.io's library/ prefix included)."""
    return repo in BUSYBOX_REPOS or repo.endswith(("/busybox", "/alpine"))
