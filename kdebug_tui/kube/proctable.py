"""Which process in a shared PID namespace is the target container's, and as whom it runs.

A debugger that shares the target's PID namespace sees the target's processes in /proc, but
nothing there says which container a process belongs to. One fixed POSIX-sh script (busybox
and GNU alike; the container id is passed as an argument, never interpolated) prints one line
per process; `pick_target` then chooses:

1. a process whose /proc/<pid>/cgroup names the target's container id (containerd, CRI-O and
   docker put it in the cgroup path: precise on real clusters);
2. else the lowest pid that is not ours: not the script itself or its children, not a process
   whose root is our own filesystem (when roots can be told apart), not a `pause` process.
   With `--target` the target's entrypoint is pid 1 of the namespace, so this is right there.

The same script runs through an exec (a running debugger) or as the command of a one-shot
probe container (its output read from the logs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import KubeError

# Output: "self <root dev:inode> <script pid>" once, then per process
# "p <pid> <ppid> <euid> <egid> <root dev:inode or ?> <cgroup match 0/1> <comm>".
PROC_TABLE_SCRIPT = r"""
cid="$1"
me=$$
self=$(stat -L -c %d:%i /proc/self/root/ 2>/dev/null || echo ?)
echo "self $self $me"
for d in /proc/[0-9]*; do
  p=${d#/proc/}
  [ -r "$d/status" ] || continue
  pp=? u=? g=?
  while read -r k a b rest; do
    case "$k" in
      PPid:) pp=$a ;;
      Uid:) u=$b ;;
      Gid:) g=$b ;;
    esac
  done < "$d/status" 2>/dev/null
  r=$(stat -L -c %d:%i "$d/root/" 2>/dev/null || echo ?)
  m=0
  if [ -n "$cid" ] && grep -qF -- "$cid" "$d/cgroup" 2>/dev/null; then m=1; fi
  c=$(cat "$d/comm" 2>/dev/null || echo ?)
  echo "p $p $pp $u $g $r $m $c"
done
"""
PROC_TABLE_NAME = "kdebug-proctable"


def proc_table_argv(container_id: str = "") -> list[str]:
    """The argv that prints the process table (the container id is an argument)."""
    return ["sh", "-c", PROC_TABLE_SCRIPT, PROC_TABLE_NAME, container_id]


@dataclass(frozen=True)
class ProcEntry:
    pid: int
    ppid: int | None
    uid: int | None
    gid: int | None
    root: str  # "dev:inode" of /proc/<pid>/root, "?" when not readable
    cgroup_match: bool
    comm: str


@dataclass(frozen=True)
class ProcTable:
    self_root: str
    script_pid: int | None
    entries: tuple[ProcEntry, ...]


@dataclass(frozen=True)
class TargetProcess:
    pid: int
    uid: int | None
    gid: int | None
    how: str  # why this pid: "cgroup" | "lowest"


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def parse_proc_table(text: str) -> ProcTable:
    """Lines the script printed; anything else (a shell's noise) is ignored."""
    self_root, script_pid = "?", None
    entries: list[ProcEntry] = []
    for line in text.splitlines():
        parts = line.split(" ", 7)
        if parts[0] == "self" and len(parts) >= 3:
            self_root, script_pid = parts[1], _int(parts[2])
        elif parts[0] == "p" and len(parts) == 8 and (pid := _int(parts[1])) is not None:
            entries.append(
                ProcEntry(
                    pid=pid,
                    ppid=_int(parts[2]),
                    uid=_int(parts[3]),
                    gid=_int(parts[4]),
                    root=parts[5],
                    cgroup_match=parts[6] == "1",
                    comm=parts[7],
                )
            )
    return ProcTable(self_root, script_pid, tuple(sorted(entries, key=lambda e: e.pid)))


def pick_target(table: ProcTable, *, exclude: frozenset[int] = frozenset()) -> TargetProcess:
    """The target's main process (see the module docstring); KubeError when none is visible."""
    matched = [e for e in table.entries if e.cgroup_match]
    if matched:
        first = matched[0]
        return TargetProcess(first.pid, first.uid, first.gid, "cgroup")
    ours = {table.script_pid} if table.script_pid is not None else set()
    ours |= {e.pid for e in table.entries if e.ppid in ours}
    distinct_roots = len({e.root for e in table.entries if e.root != "?"}) > 1
    for entry in table.entries:
        if entry.pid in ours or entry.pid in exclude or entry.comm == "pause":
            continue
        if distinct_roots and entry.root == table.self_root:
            continue  # the debugger's own processes
        return TargetProcess(entry.pid, entry.uid, entry.gid, "lowest")
    raise KubeError(
        "Target process not visible",
        "no process of the target container is visible from the debugger: it does not share "
        "the target's PID namespace",
        reason="NoSharedPidNamespace",
        hint="start the debugger with a target container (--target), or debug a copy with "
        "--share-processes",
    )


def container_id(pod: dict[str, Any], container: str) -> str:
    """The runtime's id of `container` from the pod status ("containerd://abc" -> "abc")."""
    status = pod.get("status") or {}
    for key in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        for entry in status.get(key) or []:
            if entry.get("name") == container:
                raw = str(entry.get("containerID") or "")
                return raw.split("://", 1)[-1]
    return ""
