"""As whom the target runs, so the debugger can run as the same user (jcmd, jps, gdb...).

Tools such as jcmd only see a JVM that runs with their own uid/gid. The identity comes from,
in order:

1. the target container's securityContext.runAsUser/runAsGroup, else the pod's (pure:
   `identity_from_spec`);
2. the running target process itself, `/proc/<pid>/status`, read through an exec into a
   running debugger that shares the target's PID namespace (`identity_from_proc`);
3. when no such debugger runs yet, a one-shot probe (`probe_target_identity`): a tiny
   ephemeral container targeting the same container prints the process table and exits; its
   log says the uid. A running container's user cannot be changed afterwards, so reading the
   uid *before* starting the real debugger is the only way that works on every cluster; the
   cost is one more (terminated) entry in spec.ephemeralContainers, which the UI says.

`resolve_target_identity` does 1 then 2 and, when neither answers, returns an identity with
`uid=None` whose explanation says a probe is needed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .attach import run_command
from .errors import KubeError
from .names import SuffixFunc, random_suffix
from .podstate import container_spec, container_status
from .proctable import (
    container_id,
    parse_proc_table,
    pick_target,
    proc_table_argv,
)
from .waiting import wait_for_container

PROBE_PREFIX = "kdebug-idprobe-"
# /proc/<pid>/status is world-readable, so the probe needs no privilege at all: it runs as
# nobody with everything dropped, which even the "restricted" Pod Security level admits.
PROBE_SECURITY = {
    "runAsNonRoot": True,
    "runAsUser": 65534,
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}


@dataclass(frozen=True)
class TargetIdentity:
    uid: int | None
    gid: int | None
    source: str  # "container-securityContext" | "pod-securityContext" | "process" | "unknown"
    explanation: str

    @property
    def known(self) -> bool:
        return self.uid is not None


def _pod_path(namespace: str, pod: str) -> str:
    return f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(pod, safe='')}"


def identity_from_spec(pod: dict[str, Any], target: str) -> TargetIdentity | None:
    """runAsUser/runAsGroup from the spec (container first, then pod), or None."""
    spec, _kind = container_spec(pod, target)
    own = (spec or {}).get("securityContext") or {}
    pod_ctx = (pod.get("spec") or {}).get("securityContext") or {}
    uid, uid_from = _first(own, pod_ctx, "runAsUser")
    if uid is None:
        return None
    gid, gid_from = _first(own, pod_ctx, "runAsGroup")
    where = {"container": "the target container's", "pod": "the pod's"}
    text = f"uid {uid} from {where[uid_from]} securityContext.runAsUser"
    if gid is not None:
        text += f", gid {gid} from {where[gid_from]} securityContext.runAsGroup"
    else:
        text += " (no runAsGroup: the group is the image's default for that user)"
    source = "container-securityContext" if uid_from == "container" else "pod-securityContext"
    return TargetIdentity(uid, gid, source, text)


def _first(own: dict[str, Any], pod_ctx: dict[str, Any], key: str) -> tuple[int | None, str]:
    if isinstance(own.get(key), int):
        return own[key], "container"
    if isinstance(pod_ctx.get(key), int):
        return pod_ctx[key], "pod"
    return None, ""


def sharing_debuggers(pod: dict[str, Any], target: str) -> list[str]:
    """Running ephemeral containers that target `target` (they see its processes)."""
    names = []
    for container in (pod.get("spec") or {}).get("ephemeralContainers") or []:
        if container.get("targetContainerName") != target:
            continue
        state = (container_status(pod, container.get("name", "")) or {}).get("state") or {}
        if "running" in state:
            names.append(container["name"])
    return names


async def identity_from_proc(
    session: Any, namespace: str, pod: dict[str, Any], debugger: str, target: str
) -> TargetIdentity:
    """The target process's effective uid/gid, read through an exec into `debugger`."""
    name = pod["metadata"]["name"]
    argv = proc_table_argv(container_id(pod, target))
    output, ending = await run_command(session, namespace, name, debugger, argv)
    if ending.code != 0:
        raise KubeError(
            "Cannot read the target's process",
            f"reading /proc in {debugger} failed: {ending.message}",
            reason="ProcReadFailed",
        )
    return _from_table(output.decode("utf-8", "replace"), f"the debugger {debugger}")


def _from_table(text: str, via: str) -> TargetIdentity:
    process = pick_target(parse_proc_table(text))
    if process.uid is None:
        raise KubeError(
            "Cannot read the target's process",
            f"/proc/{process.pid}/status did not show a Uid line",
            reason="ProcReadFailed",
        )
    gid = f", gid {process.gid}" if process.gid is not None else ""
    return TargetIdentity(
        process.uid,
        process.gid,
        "process",
        f"uid {process.uid}{gid} read from /proc/{process.pid}/status of the target's process "
        f"(through {via}): the spec does not set runAsUser",
    )


async def resolve_target_identity(session: Any, pod: dict[str, Any], target: str) -> TargetIdentity:
    """The spec's identity, else the process's through a running debugger, else unknown."""
    if container_spec(pod, target)[0] is None:
        raise KubeError(
            "No such container",
            f"container {target} is not in pod {pod['metadata'].get('name')}",
            reason="NotFound",
        )
    found = identity_from_spec(pod, target)
    if found is not None:
        return found
    namespace = pod["metadata"].get("namespace", "")
    for debugger in sharing_debuggers(pod, target):
        try:
            return await identity_from_proc(session, namespace, pod, debugger, target)
        except KubeError:
            continue  # no exec right, no sh in that image...: try the next or give up
    return TargetIdentity(
        None,
        None,
        "unknown",
        "the spec does not set runAsUser, so the uid is the image's USER; it can only be read "
        "from the running process: a one-shot probe container (it stays listed, terminated, "
        "in the pod) reads /proc/<pid>/status before the debugger starts",
    )


async def probe_target_identity(
    session: Any,
    namespace: str,
    pod_name: str,
    target: str,
    image: str,
    *,
    timeout: float = 60.0,  # noqa: ASYNC109 - bounded with a deadline below
    suffix: SuffixFunc = random_suffix,
) -> TargetIdentity:
    """Inject a one-shot probe container, read the identity from its log, return it."""
    name = PROBE_PREFIX + suffix(5)
    probe = {
        "name": name,
        "image": image,
        "command": proc_table_argv(""),
        "targetContainerName": target,
        "terminationMessagePolicy": "File",
        "securityContext": PROBE_SECURITY,
    }
    pod = await session.request_json("GET", _pod_path(namespace, pod_name), resource="pods")
    state = (container_status(pod, target) or {}).get("state") or {}
    if "running" not in state:
        raise KubeError(
            "Target not running",
            f"container {target} is not running, so there is no process to read the uid from",
            reason="TargetNotRunning",
        )
    probe["command"] = proc_table_argv(container_id(pod, target))
    await session.request_json(
        "PATCH",
        _pod_path(namespace, pod_name) + "/ephemeralcontainers",
        body={"spec": {"ephemeralContainers": [probe]}},
        content_type="application/strategic-merge-patch+json",
        resource="pods/ephemeralcontainers",
        namespace=namespace,
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        outcome = await wait_for_container(
            session, namespace, pod_name, name, timeout=max(1.0, deadline - loop.time())
        )
        if outcome.state == "terminated":
            if outcome.exit_code != 0:
                raise KubeError(
                    "Probe failed",
                    f"the probe container {name} ended with exit code {outcome.exit_code} "
                    f"({outcome.reason}): {outcome.message}",
                    reason="ProbeFailed",
                    hint="the probe needs sh, cat, stat and grep in its image (busybox works)",
                )
            break
        if loop.time() >= deadline:
            raise KubeError("Probe did not finish", f"{name} still runs after {timeout:.0f} s")
        await asyncio.sleep(0.2)  # running: the script takes a moment over /proc
    response = await session.request(
        "GET",
        _pod_path(namespace, pod_name) + "/log",
        query=[("container", name)],
        resource="pods/log",
        namespace=namespace,
    )
    try:
        text = (await response.read()).decode("utf-8", "replace")
    finally:
        response.release()
    return _from_table(text, f"the probe container {name}")
