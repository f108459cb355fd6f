"""Stopping an ephemeral debugger that kdebug-tui started.

Ephemeral containers cannot be removed or restarted, and the API has no "stop" for them. So
the debuggers we start can run their command under a tiny POSIX-sh wrapper:

    ["sh", "-c", WRAPPER_SCRIPT, "kdebug-wrapper", <original argv...>]

The wrapper starts a background watcher and then `exec`s the original command, so the user's
program *is* the container's main process: it keeps the tty, stdin, the foreground process
group and normal signals (Ctrl-C reaches it; `exit` ends the container as usual, and the
watcher notices and leaves). Running the command as a background child instead would give it
/dev/null as stdin and ignored SIGINT, which breaks interactive shells.

The watcher polls once a second for the stop file named by $KDEBUG_STOP_FILE (per container;
the builder sets it). `stop_debugger` creates that file through an exec; the watcher then
writes "stopped by kdebug-tui" to the termination log (the kubelet shows it as the
terminated state's message), sends SIGHUP (shells exit on it), then SIGTERM, then SIGKILL.
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
WRAPPER_SCRIPT = f"""main=$$
stop="${STOP_ENV}"
(
  trap '' INT HUP
  while kill -0 "$main" 2>/dev/null; do
    if [ -n "$stop" ] && [ -e "$stop" ]; then
      if [ -w /dev/termination-log ]; then echo "{STOP_MESSAGE}" >/dev/termination-log; fi
      kill -HUP "$main" 2>/dev/null
      sleep 1
      kill -0 "$main" 2>/dev/null || exit 0
      kill -TERM "$main" 2>/dev/null
      sleep 2
      kill -KILL "$main" 2>/dev/null
      exit 0
    fi
    sleep 1
  done
) </dev/null >/dev/null 2>&1 &
exec "$@"
"""

# Images whose default command is a shell (or that certainly have /bin/sh).
_SHELL_IMAGES = (
    "busybox", "alpine", "netshoot", "ubuntu", "debian", "fedora", "centos", "rockylinux",
    "almalinux", "amazonlinux", "eclipse-temurin", "openjdk", "jdk", "python", "node",
    "golang", "nginx", "redis", "postgres", "bash", "toolbox", "ephemeral-debug",
)  # fmt: skip


def default_wrap_for_stop(image: str | None) -> bool:
    """The form's default for "stoppable": on when the image is known to have a shell.

    DebugRequest itself defaults to False, so a request built from kubectl's flags sends
    exactly what kubectl would."""
    if not image:
        return False
    repo = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0].lower()
    if "distroless" in image.lower():
        return False
    return any(name in repo for name in _SHELL_IMAGES)


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
    _out, ending = await run_command(session, namespace, pod, container, ["touch", stop_file])
    if ending.code != 0:
        raise KubeError(
            "Stop failed",
            f"could not create the stop file in {container}: {_out.decode('utf-8', 'replace')}"
            f"{ending.message}",
            reason="StopFailed",
        )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        await asyncio.sleep(poll)
        obj = await session.request_json("GET", _pod_path(namespace, pod), resource="pods")
        if (term := _terminated(obj, container)) is not None:
            return _outcome(term, STOP_MESSAGE)
    raise KubeError(
        "Stop timed out",
        f"{container} was told to stop but still runs after {timeout:.0f} s",
        reason="StopTimeout",
    )


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
