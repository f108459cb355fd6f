"""The kubeconfig that points kubectl and kdebug-tui at a running sandbox.

It holds the admin bearer token of a process that usually runs as root, so it is written the
way kubectl writes its own files, and more carefully: into a directory only its owner (or
root) can change, as a fresh 0600 temporary file created exclusively there, fsynced, then
renamed over the target. A target someone else could have prepared (a file of another user, a
symbolic link, a directory others may write such as /tmp) is refused: in such a place another
local user can read the token or make root write through a link.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path
from typing import Any

import yaml

CLUSTER = "kdebug-sandbox"


class UnsafeKubeconfigPath(ValueError):
    """The target is somewhere other users could read or redirect what we write."""


def kubeconfig_dict(
    url: str, admin_token: str, viewer_token: str, namespace: str = "default", ca: str | None = None
) -> dict[str, Any]:
    contexts = []
    for user in ("sandbox-admin", "sandbox-viewer"):
        contexts.append(
            {"name": user, "context": {"cluster": CLUSTER, "user": user, "namespace": namespace}}
        )
    cluster: dict[str, Any] = {"server": url}
    if ca is not None:
        cluster["certificate-authority-data"] = ca
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [{"name": CLUSTER, "cluster": cluster}],
        "users": [
            {"name": "sandbox-admin", "user": {"token": admin_token}},
            {"name": "sandbox-viewer", "user": {"token": viewer_token}},
        ],
        "contexts": contexts,
        "current-context": "sandbox-admin",
    }


def default_kubeconfig_path() -> Path:
    """$XDG_STATE_HOME/kdebug-tui/sandbox.kubeconfig (~/.local/state/... without it)."""
    state = os.environ.get("XDG_STATE_HOME") or ""
    base = Path(state) if os.path.isabs(state) else Path.home() / ".local" / "state"
    return base / "kdebug-tui" / "sandbox.kubeconfig"


def _refuse(path: Path, why: str) -> UnsafeKubeconfigPath:
    return UnsafeKubeconfigPath(
        f"refusing to write the kubeconfig {path}: {why}. It holds the sandbox's admin token; "
        f"write it where only you can, e.g. --kubeconfig {default_kubeconfig_path()}"
    )


def _owner_ok(st: os.stat_result) -> bool:
    return st.st_uid in (os.geteuid(), 0)


def _check_directories(path: Path, directory: Path) -> None:
    """The target's directory: ours (or root's), writable by nobody else. Its ancestors: no
    one else may rename entries in them (owned by us or root, and sticky where others write).
    """
    st = os.stat(directory)
    if not stat.S_ISDIR(st.st_mode):
        raise _refuse(path, f"{directory} is not a directory")
    if not _owner_ok(st):
        raise _refuse(path, f"its directory {directory} belongs to another user (uid {st.st_uid})")
    if st.st_mode & 0o022:
        raise _refuse(path, f"its directory {directory} is writable by other users")
    for ancestor in directory.parents:
        st = os.stat(ancestor)
        if not _owner_ok(st):
            raise _refuse(path, f"{ancestor} belongs to another user (uid {st.st_uid})")
        if st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX:
            raise _refuse(path, f"{ancestor} is writable by other users")


def _check_target(path: Path) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode):
        raise _refuse(path, "it is a symbolic link")
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(path, "it is not a regular file")
    if st.st_uid != os.geteuid():
        raise _refuse(path, f"it belongs to another user (uid {st.st_uid})")


def write_kubeconfig(path: Path, data: dict[str, Any]) -> Path:
    """Write `data` to `path` (0600), replacing it atomically; UnsafeKubeconfigPath when
    another user could read or redirect it, OSError when the disk says no."""
    path = Path(os.path.abspath(path))
    directory = path.parent
    if not directory.exists():
        directory.mkdir(mode=0o700, parents=True)
    _check_directories(path, directory)
    _check_target(path)
    text = yaml.safe_dump(data, sort_keys=False).encode()
    tmp = directory / f".{path.name}.{secrets.token_hex(6)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(tmp, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)
        view = memoryview(text)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # the rename itself survives a crash
        dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return path
