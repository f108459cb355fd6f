"""A container's init where it has no PID namespace of its own (like `tini -s`).

Runs the container's program as its child, is a child subreaper (orphans of the program come
back to it, not to the machine's init, which may never reap them), forwards termination
signals, and when the program exits kills and reaps everything that is left, then exits with
the program's code (128 + signal if it was killed). Standard library only.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36
PR_SET_PDEATHSIG = 1
FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
             signal.SIGUSR2)  # fmt: skip


def children() -> list[int]:
    me = str(os.getpid())
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        if fields[1].decode() == me and fields[0] != b"Z":
            found.append(int(name))
    return found


def clean_up() -> None:
    """Kill and reap every remaining descendant (they are re-parented to us as they go)."""
    while True:
        for pid in children():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        try:
            os.wait()
        except ChildProcessError:
            return


def main() -> int:
    argv = sys.argv[1:]
    if not argv:
        return 2
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    child = os.fork()
    if child == 0:
        try:
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # dies with us
            os.execvp(argv[0], argv)  # a bare name (busybox applets) goes by $PATH
        finally:
            os._exit(127)
    for sig in FORWARDED:
        signal.signal(sig, lambda signum, _frame: os.kill(child, signum))
    code = 0
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        if pid == child:
            code = os.waitstatus_to_exitcode(status)
            code = 128 - code if code < 0 else code
            break
    for sig in FORWARDED:
        signal.signal(sig, signal.SIG_IGN)
    clean_up()
    return code


if __name__ == "__main__":
    sys.exit(main())
