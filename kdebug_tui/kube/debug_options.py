"""The triage options beyond kubectl debug, applied to the debug container (pure).

- run as the target's user (securityContext.runAsUser/runAsGroup), from `identity.py`;
- share the target's volumeMounts and env/envFrom;
- wrap the command so `stopping.stop_debugger` can end the container later.

`build()` calls `apply_triage_options` after the profile and before `--custom` (which may
still override a field), so the preview shows exactly what is sent. Every choice is explained
in `notes`; everything left out in `warnings`.
"""

from __future__ import annotations

import copy
from typing import Any

from .custom_spec import EPHEMERAL_FORBIDDEN_MOUNT_FIELDS
from .debug_request import DebugRequest
from .debug_validate import InvalidDebugRequest
from .identity import TargetIdentity, identity_from_spec
from .podstate import container_spec
from .stopping import STOP_ENV, stop_file_path, wrap_command


def uses_triage_options(request: DebugRequest) -> bool:
    return bool(
        request.run_as_target_user
        or request.share_target_mounts
        or request.share_target_env
        or request.wrap_for_stop
    )


def source_container(request: DebugRequest, pod: dict[str, Any] | None) -> dict[str, Any]:
    """The container whose user, mounts and env are shared: --target for an ephemeral
    debugger; for a copy the changed container, else the pod's first container."""
    if pod is None:
        raise InvalidDebugRequest("sharing the target's user, volumes or env needs the pod")
    if request.mode == "ephemeral":
        name = request.target
        if not name:
            raise InvalidDebugRequest(
                "running as the target's user or sharing its volumes/env needs a target "
                "container (--target)"
            )
    else:
        name = request.copy_options.change_container or request.container_name
        containers = (pod.get("spec") or {}).get("containers") or []
        if not name or container_spec(pod, name)[0] is None:
            name = containers[0]["name"] if containers else None
    spec = container_spec(pod, name)[0] if name else None
    if spec is None:
        raise InvalidDebugRequest(f"container {name} is not in pod {request.pod_name}")
    return spec


def apply_triage_options(
    request: DebugRequest,
    pod: dict[str, Any] | None,
    container: dict[str, Any],
    warnings: list[str],
    notes: list[str],
) -> tuple[dict[str, Any], str | None]:
    """The debug container with the options applied, and the stop file (if wrapped)."""
    if request.mode == "node" and (
        request.run_as_target_user or request.share_target_mounts or request.share_target_env
    ):
        raise InvalidDebugRequest("node debugging has no target container to share from")
    container = copy.deepcopy(container)
    sharing = request.run_as_target_user or request.share_target_mounts or request.share_target_env
    source = source_container(request, pod) if sharing else {}
    if request.share_target_env:
        _share_env(request, source, container, notes)
    if request.share_target_mounts:
        _share_mounts(request, source, container, warnings, notes)
    if request.run_as_target_user:
        assert pod is not None
        identity = request.target_identity or identity_from_spec(pod, source["name"])
        if identity is None or identity.uid is None:
            raise InvalidDebugRequest(
                f"the uid of {source['name']} is not in the pod spec",
                hint="resolve it from the running process first (resolve_target_identity, "
                "probe_target_identity) and pass it as target_identity",
            )
        _run_as(request, identity, container, warnings, notes)
    stop_file = None
    if request.wrap_for_stop:
        stop_file = _wrap(request, container, warnings, notes)
    return container, stop_file


def _share_env(
    request: DebugRequest, source: dict[str, Any], container: dict[str, Any], notes: list[str]
) -> None:
    own = {e.name for e in request.env}
    copied = [copy.deepcopy(e) for e in source.get("env") or [] if e.get("name") not in own]
    env = copied + list(container.get("env") or [])
    if env:
        container["env"] = env
    if source.get("envFrom"):
        container["envFrom"] = copy.deepcopy(source["envFrom"])
    notes.append(
        f"env: {len(copied)} variable(s) and {len(source.get('envFrom') or [])} envFrom "
        f"source(s) copied from {source['name']} (secret references stay references)"
    )


def _share_mounts(
    request: DebugRequest,
    source: dict[str, Any],
    container: dict[str, Any],
    warnings: list[str],
    notes: list[str],
) -> None:
    mounts = list(container.get("volumeMounts") or [])
    taken = {m.get("mountPath") for m in mounts}
    shared = 0
    for mount in source.get("volumeMounts") or []:
        forbidden = [f for f in EPHEMERAL_FORBIDDEN_MOUNT_FIELDS if mount.get(f)]
        if forbidden and request.mode == "ephemeral":
            warnings.append(
                f"volume mount {mount.get('name')} at {mount.get('mountPath')} is not shared: "
                f"{forbidden[0]} is not allowed in ephemeral containers"
            )
            continue
        if mount.get("mountPath") in taken:
            warnings.append(
                f"volume mount {mount.get('name')} at {mount.get('mountPath')} is not shared: "
                "the debug container already mounts something there"
            )
            continue
        mounts.append(copy.deepcopy(mount))
        taken.add(mount.get("mountPath"))
        shared += 1
    if mounts:
        container["volumeMounts"] = mounts
    notes.append(f"volumes: {shared} mount(s) of {source['name']} shared at the same paths")


def _run_as(
    request: DebugRequest,
    identity: TargetIdentity,
    container: dict[str, Any],
    warnings: list[str],
    notes: list[str],
) -> None:
    context = container.setdefault("securityContext", {})
    context["runAsUser"] = identity.uid
    if identity.gid is not None:
        context["runAsGroup"] = identity.gid
    notes.append("runs as the target's user: " + identity.explanation)
    if identity.uid == 0:
        if context.get("runAsNonRoot"):
            warnings.append(
                "the target runs as root (uid 0) but the profile sets runAsNonRoot: the "
                "kubelet will refuse to start the debugger"
            )
        return
    added = (context.get("capabilities") or {}).get("add") or []
    if added and not context.get("privileged"):
        warnings.append(
            f"as uid {identity.uid} the added capabilities ({', '.join(added)}) are not "
            "effective (Kubernetes sets no ambient capabilities); same-user tools such as jcmd "
            "do not need them"
        )


def _wrap(
    request: DebugRequest, container: dict[str, Any], warnings: list[str], notes: list[str]
) -> str | None:
    if request.arguments_only:
        warnings.append(
            "not stoppable: with --arguments-only the image's own entrypoint runs, which the "
            "wrapper cannot know"
        )
        return None
    if not request.command:
        warnings.append(
            "not stoppable: no command is set, so the image's own entrypoint runs (as with "
            "kubectl debug), which the wrapper cannot know; set a command (e.g. sh) to make it "
            "stoppable"
        )
        return None
    argv = list(request.command)
    container["command"] = wrap_command(argv)
    container.pop("args", None)
    stop_file = stop_file_path(request.session_id, container["name"])
    env = [e for e in container.get("env") or [] if e.get("name") != STOP_ENV]
    env.append({"name": STOP_ENV, "value": stop_file})
    container["env"] = env
    notes.append(
        "stoppable (your choice): adds an sh wrapper that records its pid in "
        f"{stop_file} and execs your command (it stays the main process; nothing else runs); "
        "Stop signals that pid"
    )
    return stop_file
