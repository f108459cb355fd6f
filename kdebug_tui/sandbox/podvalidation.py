"""Validation of new pods and of pod metadata, in the API server's order and words.

What a real API server answers 422 to must not get further here either: container and pod
names become paths on this machine, user and group IDs become the identity of real
processes (`runAsUser: -5` would run as uid 4294967291), and an object far over the API's
size limits would be stored and served. Messages are those of a v1.32 API server.
"""

from __future__ import annotations

from typing import Any

from kdebug_tui.sandbox.errors import ApiError, invalid
from kdebug_tui.sandbox.names import (
    dns1123_label,
    dns1123_subdomain,
    go_quote,
    invalid_cause,
    label_value,
    qualified_name,
)

Obj = dict[str, Any]
Causes = list[dict[str, str]]
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024
MAX_ID = 2**31 - 1  # uids and gids: runc's limit, which the API server enforces
_ID_RANGE = f"must be between 0 and {MAX_ID}, inclusive"


def _required(field: str, detail: str = "") -> dict[str, str]:
    message = f"Required value: {detail}" if detail else "Required value"
    return {"reason": "FieldValueRequired", "message": message, "field": field}


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _ids(sc: Any, path: str, fields: tuple[str, ...]) -> Causes:
    causes: Causes = []
    if not isinstance(sc, dict):
        return causes
    for key in fields:
        value = sc.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= MAX_ID:
            causes.append(invalid_cause(f"{path}.{key}", value, _ID_RANGE))
    return causes


def pod_security_context(spec: Obj) -> Causes:
    sc = spec.get("securityContext")
    path = "spec.securityContext"
    causes = _ids(sc, path, ("fsGroup", "runAsUser", "runAsGroup"))
    if isinstance(sc, dict):
        for i, gid in enumerate(sc.get("supplementalGroups") or []):
            if _int(gid) and not 0 <= gid <= MAX_ID:
                causes.append(invalid_cause(f"{path}.supplementalGroups[{i}]", gid, _ID_RANGE))
    return causes


def container_security_context(c: Obj, path: str) -> Causes:
    return _ids(c.get("securityContext"), f"{path}.securityContext", ("runAsUser", "runAsGroup"))


def container_name(name: str, field: str) -> Causes:
    if not name:
        return [_required(field)]
    return [invalid_cause(field, name, msg) for msg in dns1123_label(name)]


def metadata(meta: Obj, *, namespaced: bool = True) -> Causes:
    """ObjectMeta checks: names, labels and annotations (keys, values, total size)."""
    causes: Causes = []
    generate = meta.get("generateName") or ""
    if generate:
        masked = generate[:-1] + "a" if len(generate) > 1 and generate.endswith("-") else generate
        causes += [
            invalid_cause("metadata.generateName", generate, m) for m in dns1123_subdomain(masked)
        ]
    name = meta.get("name") or ""
    if name:
        causes += [invalid_cause("metadata.name", name, m) for m in dns1123_subdomain(name)]
    elif not generate:
        causes.append(_required("metadata.name", "name or generateName is required"))
    namespace = meta.get("namespace") or ""
    if namespaced and namespace:
        causes += [
            invalid_cause("metadata.namespace", namespace, m) for m in dns1123_label(namespace)
        ]
    causes += label_causes(meta.get("labels"))
    causes += annotation_causes(meta.get("annotations"))
    return causes


def label_causes(values: Any) -> Causes:
    causes: Causes = []
    for key, value in (values or {}).items():
        causes += [invalid_cause("metadata.labels", key, m) for m in qualified_name(key)]
        if isinstance(value, str):
            causes += [invalid_cause("metadata.labels", value, m) for m in label_value(value)]
    return causes


def annotation_causes(values: Any) -> Causes:
    causes: Causes = []
    total = 0
    for key, value in (values or {}).items():
        causes += [
            invalid_cause("metadata.annotations", key, m) for m in qualified_name(key.lower())
        ]
        total += len(key.encode()) + len(str(value).encode())
    if total > TOTAL_ANNOTATION_SIZE_LIMIT:
        causes.append(
            {
                "reason": "FieldValueTooLong",
                "message": f"Too long: must have at most {TOTAL_ANNOTATION_SIZE_LIMIT} bytes",
                "field": "metadata.annotations",
            }
        )
    return causes


def _containers(spec: Obj) -> Causes:
    """Regular containers, then init containers (a name taken by a regular container is the
    init container's duplicate, as the API server reports it)."""
    causes: Causes = []
    regular = spec.get("containers") or []
    if not regular:
        causes.append(_required("spec.containers"))
    seen: set[str] = set()
    for key, items in (("containers", regular), ("initContainers", spec.get("initContainers"))):
        if key == "initContainers":
            seen = {c.get("name") or "" for c in regular if isinstance(c, dict)}
        for i, c in enumerate(items or []):
            if not isinstance(c, dict):
                continue
            path = f"spec.{key}[{i}]"
            cname = c.get("name") or ""
            causes += container_name(cname, f"{path}.name")
            if cname and cname in seen:
                causes.append(
                    {
                        "reason": "FieldValueDuplicate",
                        "message": f"Duplicate value: {go_quote(cname)}",
                        "field": f"{path}.name",
                    }
                )
            seen.add(cname)
            if not c.get("image"):
                causes.append(_required(f"{path}.image"))
            causes += container_security_context(c, path)
    return causes


def validate_new_pod(pod: Obj) -> None:
    """Raise 422 Invalid for a pod the API server would not create."""
    meta = pod.get("metadata") or {}
    name = meta.get("name") or ""
    if not name and not meta.get("generateName"):
        raise ApiError(
            422,
            'Pod "" is invalid: metadata.name: Required value: name or generateName is required',
            details={
                "kind": "Pod",
                "causes": [_required("metadata.name", "name or generateName is required")],
            },
        )
    spec = pod.get("spec") or {}
    causes = metadata(meta) + _containers(spec) + pod_security_context(spec)
    if causes:
        raise invalid("Pod", name, causes)


def validate_metadata_update(pod: Obj) -> None:
    """Labels and annotations of an update (names cannot change on update)."""
    meta = pod.get("metadata") or {}
    causes = label_causes(meta.get("labels")) + annotation_causes(meta.get("annotations"))
    if causes:
        raise invalid("Pod", meta.get("name") or "", causes)
