"""Stopping an ephemeral debugger that kdebug-tui started.

Ephemeral containers cannot be removed or restarted, and the API has no "stop" for them. So a
debugger started as "stoppable" runs its command under a two-line POSIX-sh wrapper:

    ["sh", "-c", WRAPPER_SCRIPT, "kdebug-wrapper", <the user's argv...>]

The wrapper writes its own pid to the file named by $KDEBUG_STOP_FILE and `exec`s the user's
command, so the user's program *is* the container's main process with that pid: it keeps the
tty, stdin, the foreground process group and normal signals, and `exit` ends the container as
usual. Nothing else runs: no watcher loop in `ps`, no child left to become a zombie in the
target's process namespace (a background watcher did both, and its orphans were never
reaped by a distroless PID 1).

`stop_debugger` then signals that pid through short execs: SIGHUP (shells leave at once,
exit code 129), then SIGTERM, then SIGKILL if the container still runs; the first exec also
writes "stopped by kdebug-tui" to the termination log (the kubelet shows it as the terminated
state's message). Each exec ends at once, so it leaves nothing behind either.

The kubelet expands `$(VAR)` and turns `$$` into `$` in a container's command and args
(PROTOCOL.md, "kubelet expansion"): the script therefore uses neither. The pid comes from
/proc/self/stat, read by the shell's builtin `read` (so "self" is the shell, not a child).
Only a command the user set is wrapped: without one the image's own entrypoint runs, which a
wrapper could not know, so such a debugger is not stoppable (the preview says so).
The container ends; its spec stays in the pod until the pod is replaced (`stop_note`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from .attach import run_command
from .errors import KubeError
from .podstate import container_spec, container_status
from .waiting import ContainerOutcome

WRAPPER_NAME = "kdebug-wrapper"
STOP_ENV = "KDEBUG_STOP_FILE"
STOP_MESSAGE = "stopped by kdebug-tui"
WRAPPER_SCRIPT = f"""{{ read -r pid _ </proc/self/stat && echo "$pid" >"${STOP_ENV}"; }} 2>/dev/null
exec "$@"
"""
# Run by `stop_debugger` through exec (exec commands are not expanded by the kubelet).
# $1: the pid file, $2: the signal. Exit 3: no pid recorded; 4: the process is gone.
SIGNAL_SCRIPT = f"""read -r pid <"$1" 2>/dev/null || exit 3
case "$pid" in ''|*[!0-9]*) exit 3;; esac
log=/dev/termination-log
if [ "$2" = HUP ] && [ -w "$log" ]; then echo "{STOP_MESSAGE}" >"$log"; fi
kill -"$2" "$pid" 2>/dev/null || exit 4
"""
SIGNAL_NAME = "kdebug-stop"
ESCALATION = (("HUP", 2.0), ("TERM", 3.0), ("KILL", 0.0))  # signal, seconds to wait after it

# Images whose default command is a shell (or that certainly have /bin/sh).
_SHELL_IMAGES = (
    "busybox", "alpine", "netshoot", "ubuntu", "debian", "fedora", "centos", "rockylinux",
    "almalinux", "amazonlinux", "eclipse-temurin", "openjdk", "jdk", "python", "node",
    "golang", "nginx", "redis", "postgres", "bash", "toolbox", "ephemeral-debug",
)  # fmt: skip


def image_has_shell(image: str | None) -> bool:
    """True when the image is known to have /bin/sh, which the stop wrapper needs.

    "Stoppable" itself is off unless the user chooses it (kubectl sends no wrapper)."""
    if not image:
        return False
    repo = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0].lower()
    if "distroless" in image.lower():
        return False
    return any(name in repo for name in _SHELL_IMAGES)


default_wrap_for_stop = image_has_shell  # the old name, still used by the form


def stop_file_path(session_id: str, container: str) -> str:
    return f"/tmp/.kdebug-stop-{session_id or 'x'}-{container}"


def wrap_command(argv: Sequence[str]) -> list[str]:
    return ["sh", "-c", WRAPPER_SCRIPT, WRAPPER_NAME, *argv]


def is_wrapped(container: dict[str, Any]) -> bool:
    command = container.get("command") or []
    return (
        len(command) >= 4
        and command[:2] == ["sh", "-c"]
        and command[2] == WRAPPER_SCRIPT
        and command[3] == WRAPPER_NAME
    )


def stop_file_of(container: dict[str, Any]) -> str | None:
    if not is_wrapped(container):
        return None
    for item in container.get("env") or []:
        if item.get("name") == STOP_ENV and item.get("value"):
            return str(item["value"])
    return None


def stop_note(pod_name: str, container: str) -> str:
    """What the UI says after a stop: the container ended but cannot disappear."""
    return (
        f"{container} was stopped. Ephemeral containers cannot be removed: its entry stays in "
        f"pod {pod_name}'s spec (shown as terminated) until the pod is deleted or replaced "
        "(e.g. by a rollout)."
    )


def _pod_path(namespace: str, pod: str) -> str:
    return f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(pod, safe='')}"


async def stop_debugger(
    session: Any,
    namespace: str,
    pod: str,
    container: str,
    *,
    timeout: float = 15.0,  # noqa: ASYNC109 - bounded by a deadline below
    poll: float = 0.25,
) -> ContainerOutcome:
    """Tell a wrapped debugger to exit and wait until it has terminated."""
    obj = await session.request_json("GET", _pod_path(namespace, pod), resource="pods")
    spec, kind = container_spec(obj, container)
    if spec is None:
        raise KubeError("No such container", f"{container} is not in pod {pod}", reason="NotFound")
    if (ended := _terminated(obj, container)) is not None:
        return _outcome(ended, "had already ended")
    stop_file = stop_file_of(spec)
    if stop_file is None:
        raise KubeError(
            "Cannot stop this container",
            f"{container} was not started as stoppable (its command is not kdebug-tui's "
            "wrapper)"
            + (
                "; ephemeral containers cannot be stopped or removed" if kind == "ephemeral" else ""
            ),
            reason="NotStoppable",
            hint="exit its program from the terminal, or delete the pod",
        )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    for signal, grace in ESCALATION:
        sent = await _signal(session, namespace, pod, container, stop_file, signal)
        wait_until = deadline if grace == 0.0 else min(deadline, loop.time() + grace)
        if not sent and (
            term := await _wait_terminated(
                session, namespace, pod, container, loop.time() + 2.0, poll
            )
        ):
            return _outcome(term, STOP_MESSAGE)
        if term := await _wait_terminated(session, namespace, pod, container, wait_until, poll):
            return _outcome(term, STOP_MESSAGE)
        if loop.time() >= deadline:
            break
    raise KubeError(
        "Stop timed out",
        f"{container} was told to stop but still runs after {timeout:.0f} s",
        reason="StopTimeout",
    )


async def _signal(
    session: Any, namespace: str, pod: str, container: str, stop_file: str, signal: str
) -> bool:
    """Send `signal` to the wrapped process; False when it had already gone."""
    argv = ["sh", "-c", SIGNAL_SCRIPT, SIGNAL_NAME, stop_file, signal]
    try:
        out, ending = await run_command(session, namespace, pod, container, argv)
    except KubeError:
        return False  # the container ended between two steps: the status says how
    if ending.code == 4:
        return False
    if ending.code == 3:
        raise KubeError(
            "Stop failed",
            f"{container} has no record of its process in {stop_file} (the wrapper could "
            "not write it: read-only /tmp?)",
            reason="StopFailed",
            hint="exit its program from the terminal, or delete the pod",
        )
    if ending.code not in (0, None):
        raise KubeError(
            "Stop failed",
            f"could not signal {container}: {out.decode('utf-8', 'replace')}{ending.message}",
            reason="StopFailed",
        )
    return True


async def _wait_terminated(
    session: Any, namespace: str, pod: str, container: str, until: float, poll: float
) -> dict[str, Any] | None:
    loop = asyncio.get_running_loop()
    while True:
        obj = await session.request_json("GET", _pod_path(namespace, pod), resource="pods")
        if (term := _terminated(obj, container)) is not None:
            return term
        if loop.time() >= until:
            return None
        await asyncio.sleep(poll)


def _terminated(pod: dict[str, Any], container: str) -> dict[str, Any] | None:
    state = (container_status(pod, container) or {}).get("state") or {}
    term = state.get("terminated")
    return term if isinstance(term, dict) else None


def _outcome(term: dict[str, Any], what: str) -> ContainerOutcome:
    code = term.get("exitCode")
    reason = term.get("reason") or "Terminated"
    return ContainerOutcome("terminated", code, reason, f"{what} (exit code {code}, {reason})")


def stoppable(pod: dict[str, Any], container: str) -> bool:
    """True when `container` runs under our wrapper and has not ended (offer "Stop")."""
    spec, _kind = container_spec(pod, container)
    return (
        spec is not None and stop_file_of(spec) is not None and _terminated(pod, container) is None
    )
