"""What a debug session will send: the request the user chose and the exact API call.

`DebugRequest` is the form's content in kubectl's terms; `build()` turns it into the one HTTP
call that creates the debugger (plus the delete of the original for --replace), following
kubectl 1.32's `debug.go` step by step so that the result is what `kubectl debug` would have
sent. The preview shown to the user before anything is created is rendered from that same
body, so what the user reviews is exactly what goes over the wire.
"""

from __future__ import annotations

import copy as _copy
from dataclasses import replace
from typing import Any

from .custom_spec import CustomSpecError, merge_into_container, validate_custom_spec
from .debug_options import apply_triage_options
from .debug_preview import BuiltDebug, render_preview
from .debug_request import (
    MANAGED_BY_LABEL,
    MANAGED_BY_VALUE,
    NODE_CONTAINER_NAME,
    SESSION_LABEL,
    CopyOptions,
    DebugRequest,
    EnvVar,
    Mode,
    new_session_id,
)
from .debug_validate import (
    LEGACY_WARNING,
    MODES,
    PULL_POLICIES,
    TARGET_WARNING,
    InvalidDebugRequest,
    change_target,
    is_valid_image,
    validate,
)
from .names import (
    SuffixFunc,
    copy_pod_name,
    debugger_container_name,
    node_debugger_pod_name,
    pod_container_names,
    random_suffix,
)
from .profiles import apply_profile

__all__ = [
    "LEGACY_WARNING",
    "MANAGED_BY_LABEL",
    "MANAGED_BY_VALUE",
    "MODES",
    "NODE_CONTAINER_NAME",
    "PULL_POLICIES",
    "SESSION_LABEL",
    "TARGET_WARNING",
    "BuiltDebug",
    "CopyOptions",
    "DebugRequest",
    "EnvVar",
    "InvalidDebugRequest",
    "Mode",
    "build",
    "is_valid_image",
    "new_session_id",
    "render_preview",
    "validate",
]


def build(
    request: DebugRequest,
    pod: dict[str, Any] | None = None,
    node: dict[str, Any] | None = None,
    *,
    suffix: SuffixFunc = random_suffix,
) -> BuiltDebug:
    """The API call for `request` against `pod` (ephemeral, copy) or `node` (node mode)."""
    validate(request)
    warnings: list[str] = []
    custom: dict[str, Any] | None = None
    if request.custom:
        try:
            checked = validate_custom_spec(
                dict(request.custom), ephemeral=request.mode == "ephemeral"
            )
        except CustomSpecError as exc:
            raise InvalidDebugRequest("custom spec: " + "; ".join(exc.problems)) from None
        custom = checked.spec
        warnings.extend(checked.warnings)
    if request.target:
        warnings.append(TARGET_WARNING.format(target=request.target))
    if request.profile == "legacy":
        warnings.append(LEGACY_WARNING)
    if request.mode == "ephemeral":
        built = _build_ephemeral(request, pod, custom, suffix, warnings)
    elif request.mode == "copy":
        if pod is None:
            raise InvalidDebugRequest("copy mode needs the pod to copy")
        built = _build_copy(request, pod, custom, suffix, warnings)
    else:
        built = _build_node(request, node, custom, suffix, warnings)
    return built


def _new_container(request: DebugRequest, name: str) -> dict[str, Any]:
    """The container kubectl builds: empty values are left out, as Go's omitempty does."""
    container: dict[str, Any] = {"name": name}
    if request.env:
        container["env"] = [{"name": e.name, "value": e.value} for e in request.env]
    container["image"] = request.image
    if request.image_pull_policy:
        container["imagePullPolicy"] = request.image_pull_policy
    if request.stdin:
        container["stdin"] = True
    container["terminationMessagePolicy"] = "File"
    if request.tty:
        container["tty"] = True
    if request.command:
        container["args" if request.arguments_only else "command"] = list(request.command)
    return container


def _build_ephemeral(
    request: DebugRequest,
    pod: dict[str, Any] | None,
    custom: dict[str, Any] | None,
    suffix: SuffixFunc,
    warnings: list[str],
) -> BuiltDebug:
    assert request.pod_name is not None
    name = request.container_name or debugger_container_name(pod_container_names(pod), suffix)
    container = _new_container(request, name)
    if request.target:
        container["targetContainerName"] = request.target
    scratch: dict[str, Any] = {"metadata": {}, "spec": {"ephemeralContainers": [container]}}
    apply_profile(request.profile, scratch, name, "ephemeral")
    container = scratch["spec"]["ephemeralContainers"][0]
    notes: list[str] = []
    container, stop_file = apply_triage_options(request, pod, container, warnings, notes)
    if custom:
        container = merge_into_container(container, custom)
    path = f"/api/v1/namespaces/{request.namespace}/pods/{request.pod_name}/ephemeralcontainers"
    return BuiltDebug(
        mode="ephemeral",
        method="PATCH",
        path=path,
        body={"spec": {"ephemeralContainers": [container]}},
        container_name=name,
        pod_name=request.pod_name,
        warnings=tuple(warnings),
        namespace=request.namespace,
        session_id=request.session_id,
        image=request.image,
        notes=tuple(notes),
        stop_file=stop_file,
    )


def _build_copy(
    request: DebugRequest,
    pod: dict[str, Any],
    custom: dict[str, Any] | None,
    suffix: SuffixFunc,
    warnings: list[str],
) -> BuiltDebug:
    opts = request.copy_options
    source_meta = pod.get("metadata") or {}
    copy_name = opts.copy_to or copy_pod_name(request.pod_name or "pod", suffix)
    metadata: dict[str, Any] = {"name": copy_name, "namespace": request.namespace}
    if source_meta.get("annotations"):
        metadata["annotations"] = dict(source_meta["annotations"])
    if source_meta.get("labels"):
        metadata["labels"] = dict(source_meta["labels"])
    spec = _copy.deepcopy(pod.get("spec") or {})
    spec.pop("ephemeralContainers", None)
    if opts.share_processes is not None:
        spec["shareProcessNamespace"] = opts.share_processes
    if not opts.same_node:
        spec.pop("nodeName", None)
    copied: dict[str, Any] = {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}

    for container in spec.get("containers") or []:
        override = opts.set_image.get(container.get("name", ""), opts.set_image.get("*"))
        if override:
            container["image"] = override

    wanted = change_target(request)
    existing = _find_container(spec, wanted) if wanted else None
    name = wanted or ""
    if existing is None:
        if not request.image:
            warnings.append(
                "no debug container is added (only images change): there is nothing to attach to"
            )
            return _copy_built(request, copied, "", warnings)
        if not name:
            name = debugger_container_name(pod_container_names(copied), suffix)
        existing = {"name": name, "terminationMessagePolicy": "File"}
        spec.setdefault("containers", []).append(existing)
    if request.command:
        if request.arguments_only:
            existing["args"] = list(request.command)
        else:
            existing["command"] = list(request.command)
            existing.pop("args", None)
    if request.env:
        existing["env"] = [{"name": e.name, "value": e.value} for e in request.env]
    if request.image:
        existing["image"] = request.image
    if request.image_pull_policy:
        existing["imagePullPolicy"] = request.image_pull_policy
    _set_flag(existing, "stdin", request.stdin)
    _set_flag(existing, "tty", request.tty)
    apply_profile(request.profile, copied, name, "copy", opts.keep_flags())
    notes: list[str] = []
    if request.wrap_for_stop:
        warnings.append("stoppable applies to ephemeral debuggers: delete the copy to stop it")
    if request.run_as_target_user or request.share_target_mounts or request.share_target_env:
        plain = replace(request, wrap_for_stop=False)
        containers = spec["containers"]
        index = next(i for i, c in enumerate(containers) if c.get("name") == name)
        containers[index], _ = apply_triage_options(plain, pod, containers[index], warnings, notes)
    if custom:
        _merge_custom(spec, name, custom)
    return replace(_copy_built(request, copied, name, warnings), notes=tuple(notes))


def _copy_built(
    request: DebugRequest, copied: dict[str, Any], container: str, warnings: list[str]
) -> BuiltDebug:
    _label(copied, request.session_id)
    opts = request.copy_options
    return BuiltDebug(
        mode="copy",
        method="POST",
        path=f"/api/v1/namespaces/{request.namespace}/pods",
        body=copied,
        container_name=container,
        pod_name=copied["metadata"]["name"],
        warnings=tuple(warnings),
        namespace=request.namespace,
        session_id=request.session_id,
        delete_original=request.pod_name if opts.replace else None,
        name_generated=opts.copy_to is None,
        image=request.image,
    )


def _build_node(
    request: DebugRequest,
    node: dict[str, Any] | None,
    custom: dict[str, Any] | None,
    suffix: SuffixFunc,
    warnings: list[str],
) -> BuiltDebug:
    node_name = request.node_name or ((node or {}).get("metadata") or {}).get("name")
    assert node_name
    name = request.container_name or NODE_CONTAINER_NAME
    container = _new_container(request, name)
    pod_name = node_debugger_pod_name(node_name, suffix)
    debug_pod: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": pod_name, "namespace": request.namespace},
        "spec": {
            "containers": [container],
            "nodeName": node_name,
            "restartPolicy": "Never",
            "tolerations": [{"operator": "Exists"}],
        },
    }
    apply_profile(request.profile, debug_pod, name, "node")
    if request.run_as_target_user or request.share_target_mounts or request.share_target_env:
        raise InvalidDebugRequest("node debugging has no target container to share from")
    if request.wrap_for_stop:
        warnings.append("stoppable applies to ephemeral debuggers: delete the node pod to stop it")
    if custom:
        _merge_custom(debug_pod["spec"], name, custom)
    _label(debug_pod, request.session_id)
    return BuiltDebug(
        mode="node",
        method="POST",
        path=f"/api/v1/namespaces/{request.namespace}/pods",
        body=debug_pod,
        container_name=name,
        pod_name=pod_name,
        warnings=tuple(warnings),
        namespace=request.namespace,
        session_id=request.session_id,
        name_generated=True,
        node_name=node_name,
        image=request.image,
    )


def _find_container(spec: dict[str, Any], name: str) -> dict[str, Any] | None:
    for kind in ("containers", "initContainers"):
        for container in spec.get(kind) or []:
            if container.get("name") == name:
                return container
    return None


def _merge_custom(spec: dict[str, Any], name: str, custom: dict[str, Any]) -> None:
    containers = spec.get("containers") or []
    for index, container in enumerate(containers):
        if container.get("name") == name:
            containers[index] = merge_into_container(container, custom)
            return
    raise InvalidDebugRequest(f"unable to find the {name} container in the pod")


def _set_flag(container: dict[str, Any], key: str, value: bool) -> None:
    if value:
        container[key] = True
    else:
        container.pop(key, None)


def _label(pod: dict[str, Any], session_id: str) -> None:
    labels = pod["metadata"].setdefault("labels", {})
    labels[MANAGED_BY_LABEL] = MANAGED_BY_VALUE
    labels[SESSION_LABEL] = session_id
