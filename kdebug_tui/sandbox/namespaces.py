"""Namespaces and sessions: how a container's process tree is isolated and found again.

Where the machine allows (root + util-linux), a container gets its own PID, mount and UTS
namespace (`unshare`), or joins another's (`nsenter`), so `ps` in a debug container shows
exactly what a real one would. Each container is also its own session, so every process it
forks (even one a job-control shell moved to another process group) can be found and killed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


# The namespace setup helper: a fixed script, never built from user input. Arguments:
# hostname (or "-"), where to bind-mount / (or "-"), then the container's argv as "$@".
def _host_tool(name: str) -> str:
    """A helper from this machine's PATH: the container's PATH (a busybox image puts its
    applets first) must not pick the namespace tools."""
    return shutil.which(name) or name


_SETUP_SCRIPT = (
    f'h=$1 r=$2; shift 2; if [ "$h" != - ]; then {_host_tool("hostname")} "$h" || exit 127; '
    f'fi; if [ "$r" != - ]; then {_host_tool("mount")} --rbind / "$r" || exit 127; fi; '
    'exec "$@"'
)
_SETPRIV = shutil.which("setpriv")
_REAPER = Path(__file__).resolve().parent / "programs" / "reaper.py"


@dataclass
class RuntimeCapabilities:
    """What isolation this machine lets the sandbox give its containers."""

    pid_namespaces: bool
    host_mount: bool
    reason: str = ""


_capabilities: RuntimeCapabilities | None = None
_uts = False  # containers get the pod's name as hostname (own UTS namespace)
_rootless = False  # not root: namespaces live in a user namespace mapping us to root


def uts_namespaces() -> bool:
    return _uts


def probe_capabilities(host_root: str = "/host") -> RuntimeCapabilities:
    """Try the namespace tools once per process; every failure leaves a reason.

    As root: PID + mount + UTS namespaces and the /host bind mount. Not root: PID + mount +
    UTS namespaces inside a user namespace ("rootless", where the kernel allows it); /host
    cannot be created then."""
    global _capabilities, _uts, _rootless
    if _capabilities is not None:
        return _capabilities
    reasons: list[str] = []
    pid_ok = mount_ok = False
    root = os.geteuid() == 0
    user = [] if root else ["--user", "--map-root-user"]
    if not (shutil.which("unshare") and shutil.which("nsenter")):
        reasons.append("unshare/nsenter (util-linux) not found")
    else:
        pid_ok = _probe(
            ["unshare", *user, "--pid", "--fork", "--kill-child", "--mount-proc", "true"],
            f"unshare {' '.join(user)} --pid --mount-proc".replace("  ", " "),
            reasons,
        )
        _rootless = pid_ok and not root
        _uts = (
            pid_ok
            and bool(shutil.which("hostname"))
            and _probe(
                ["unshare", *user, "--uts", "--", "hostname", "kdebug-probe"],
                "unshare --uts",
                reasons,
            )
        )
        if not root:
            reasons.append(f"not running as root: no {host_root} bind mount")
        else:
            with contextlib.suppress(OSError):
                os.makedirs(host_root, exist_ok=True)
            if not os.path.isdir(host_root):
                reasons.append(f"cannot create {host_root} on this machine")
            elif shutil.which("mount"):
                mount_ok = _probe(
                    ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                     _SETUP_SCRIPT, "setup", "-", host_root, "true"],
                    "bind mount of / in a private mount namespace",
                    reasons,
                )  # fmt: skip
            else:
                reasons.append("mount not found")
    _capabilities = RuntimeCapabilities(pid_ok, mount_ok, "; ".join(reasons))
    return _capabilities


def _probe(argv: list[str], what: str, reasons: list[str]) -> bool:
    try:
        done = subprocess.run(argv, capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        reasons.append(f"{what} failed: {exc}")
        return False
    if done.returncode != 0:
        err = done.stderr.decode(errors="replace").strip()
        reasons.append(f"{what} failed: {err or done.returncode}")
        return False
    return True


@dataclass
class SpawnSpec:
    """How to start one process: argv is already resolved to an executable path."""

    argv: list[str]
    env: dict[str, str]
    cwd: str = "/"
    tty: bool = False
    stdin: bool = False
    columns: int = 80
    lines: int = 24
    new_pid_namespace: bool = False  # own PID + mount namespace, /proc remounted
    join_namespaces_of: int | None = None  # host pid whose namespaces to enter
    join_pid: bool = True  # enter its PID namespace too (not for a hostPID container)
    host_root_mount: str | None = None  # bind-mount / here, in a private mount namespace
    uid: int | None = None
    gid: int | None = None  # None: the same as uid
    hostname: str | None = None  # own UTS namespace with this hostname


def wrap_argv(spec: SpawnSpec) -> tuple[list[str], bool]:
    """The argv with namespace tools in front; True when the real process is a child."""
    argv = list(spec.argv)
    uid = spec.uid or 0
    gid = uid if spec.gid is None else spec.gid
    if (uid or gid) and os.geteuid() == 0:
        argv = [
            _host_tool("setpriv"),
            "--reuid",
            str(uid),
            "--regid",
            str(gid),
            "--clear-groups",
            "--",
            *argv,
        ]
    forked = False
    if not pid_namespace(spec):
        # no PID namespace to reap orphans when it dies: our own init reaps them instead
        argv = [sys.executable, "-S", str(_REAPER), *argv]
        forked = True
    if ctty_inside(spec):
        argv = [_host_tool("setsid"), "--ctty", "--", *argv]
    own = spec.join_namespaces_of is None
    hostname = _own_hostname(spec)
    root = spec.host_root_mount if own else None
    if hostname or root:
        argv = [_host_tool("sh"), "-c", _SETUP_SCRIPT, "setup", hostname or "-", root or "-", *argv]
    if spec.join_namespaces_of is not None:
        user = ["--user", "--preserve-credentials"] if _rootless else []
        pid = ["--pid"] if spec.join_pid else []
        argv = [_host_tool("nsenter"), "--target", str(spec.join_namespaces_of), *user, *pid,
                "--mount", "--uts", "--", *argv]  # fmt: skip
        forked = True
    elif spec.new_pid_namespace:
        user = ["--user", "--map-root-user"] if _rootless else []
        uts = ["--uts"] if hostname else []
        argv = [_host_tool("unshare"), *user, "--pid", "--fork", "--kill-child",
                "--mount-proc", *uts, "--propagation", "private", "--", *argv]  # fmt: skip
        forked = True
    elif root or hostname:
        uts = ["--uts"] if hostname else []
        argv = [_host_tool("unshare"), "--mount", *uts, "--propagation", "private", "--", *argv]
    if _SETPRIV:
        # if the sandbox dies without closing (SIGKILL, crash), its containers die with it:
        # the kernel kills the leader, and unshare --kill-child takes the namespace along
        argv = [_SETPRIV, "--pdeathsig", "KILL", "--", *argv]
    return argv, forked


def ctty_inside(spec: SpawnSpec) -> bool:
    """Inside a PID namespace the container's own process must lead the TTY's session
    (as runc arranges): a shell restoring the terminal's process group on exit would
    otherwise name a group it cannot see, and fail ("Cannot set tty process group")."""
    return spec.tty and spec.stdin and pid_namespace(spec)


def _own_hostname(spec: SpawnSpec) -> str | None:
    """The hostname of a UTS namespace of the process's own; without a PID namespace
    (hostPID pods) only as real root."""
    if spec.join_namespaces_of is not None:
        return None
    return spec.hostname if spec.new_pid_namespace or os.geteuid() == 0 else None


def pid_namespace(spec: SpawnSpec) -> bool:
    """Whether the process runs in a PID namespace other than this machine's."""
    return spec.new_pid_namespace or (spec.join_namespaces_of is not None and spec.join_pid)


def private_namespaces(spec: SpawnSpec) -> bool:
    """Whether the process has namespaces of its own (or joined) that an exec must enter."""
    return (
        pid_namespace(spec)
        or spec.join_namespaces_of is not None
        or bool(spec.host_root_mount)
        or bool(_own_hostname(spec))
    )


_WRAPPERS = {"unshare", "nsenter", "setpriv", "setsid"}


def in_setup(pid: int) -> bool:
    """Whether `pid` is still the setup script (whose children are `hostname`, `mount`)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
    except OSError:
        return False
    return argv[1:3] == [b"-c", _SETUP_SCRIPT.encode()]


def past_wrappers(pid: int) -> bool:
    """Whether `pid` has exec'd through our helpers (namespace tools, the setup script, the
    reaper) into the container's own program, whatever that program is (a script too)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
    except OSError:
        return True  # gone: nothing left to wait for
    if not argv or not argv[0]:
        # empty: a zombie, or a process in the middle of execve (not there yet)
        try:
            stat = read_text(f"/proc/{pid}/stat")
        except OSError:
            return True
        return stat[stat.rfind(")") + 2 :].startswith("Z")
    if os.path.basename(argv[0]).decode(errors="replace") in _WRAPPERS:
        return False
    if argv[1:3] == [b"-c", _SETUP_SCRIPT.encode()]:
        return False
    return argv[1:3] != [b"-S", str(_REAPER).encode()]


def term_has_no_effect(pid: int) -> bool:
    """Whether SIGTERM cannot end `pid`: it ignores TERM, or it is PID 1 of its namespace
    with no handler (the kernel drops default-action signals to a namespace's init)."""
    try:
        status = dict(
            line.split(":\t", 1) for line in read_text(f"/proc/{pid}/status").splitlines()
            if ":\t" in line
        )  # fmt: skip
        ignored = int(status["SigIgn"], 16) >> (signal.SIGTERM - 1) & 1
        caught = int(status["SigCgt"], 16) >> (signal.SIGTERM - 1) & 1
        init = status.get("NSpid", "").split()[-1:] == ["1"]
    except (OSError, KeyError, ValueError):
        return False
    return bool(ignored) or (init and not caught)


def read_text(path: str) -> str:
    with open(path) as f:
        return f.read()


def descendants(pid: int) -> list[int]:
    """Every process below `pid` in the process tree: a few /proc reads, where a session
    scan reads every process on the machine."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = read_text(f"/proc/{parent}/task/{task}/children").split()
            except OSError:
                continue
            for child in map(int, children):
                found.append(child)
                todo.append(child)
    return found


def session_members(sid: int) -> list[int]:
    """Host pids whose session id is `sid` (read from /proc)."""
    found: list[int] = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # fields after the ")" of comm: state ppid pgrp session ...
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 3 and int(fields[3]) == sid:
            found.append(int(entry.name))
    return found


def kill_session(sid: int, sig: int, *, spare: int | None = None) -> None:
    """Signal every process in the session (except `spare`)."""
    for pid in session_members(sid):
        if pid == spare:
            continue
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)
