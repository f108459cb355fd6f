"""Validation of ephemeral container updates, in the API server's order and words.

Order per container (as in the API server): common container checks (name, image, volume
mounts; these carry the doubled index `[i][i]` recorded from a 1.24 server), duplicate names,
target container, forbidden fields (in struct order), volume subPaths. Then existing
entries that were removed or changed. Static pods are refused outright.
"""

from __future__ import annotations

import json
from typing import Any

from kdebug_tui.sandbox.errors import invalid
from kdebug_tui.sandbox.podvalidation import container_name, container_security_context

Obj = dict[str, Any]
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
# EphemeralContainerCommon fields that may not be set, in Go struct order.
FORBIDDEN_FIELDS = (
    "ports",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
)
FORBIDDEN_TEXT = "Forbidden: cannot be set for an Ephemeral Container"
_PULL_POLICIES = ("Always", "IfNotPresent", "Never")
_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")


def _cause(reason: str, message: str, field: str) -> dict[str, str]:
    return {"reason": reason, "message": message, "field": field}


def _empty(value: Any) -> bool:
    return value is None or value == {} or value == [] or value == "" or value is False


def _common(c: Obj, path: str, volumes: set[str]) -> list[dict[str, str]]:
    causes: list[dict[str, str]] = []
    causes += container_name(c.get("name") or "", f"{path}.name")
    if not c.get("image"):
        causes.append(_cause("FieldValueRequired", "Required value", f"{path}.image"))
    causes += container_security_context(c, path)
    for j, vm in enumerate(c.get("volumeMounts") or []):
        vname = vm.get("name") or ""
        vpath = f"{path}.volumeMounts[{j}]"
        if not vname:
            causes.append(_cause("FieldValueRequired", "Required value", f"{vpath}.name"))
        elif vname not in volumes:
            causes.append(_cause("FieldValueNotFound", f'Not found: "{vname}"', f"{vpath}.name"))
        if not vm.get("mountPath"):
            causes.append(_cause("FieldValueRequired", "Required value", f"{vpath}.mountPath"))
    policy = c.get("imagePullPolicy")
    if policy and policy not in _PULL_POLICIES:
        causes.append(
            _cause(
                "FieldValueNotSupported",
                f'Unsupported value: "{policy}": supported values: '
                '"Always", "IfNotPresent", "Never"',
                f"{path}.imagePullPolicy",
            )
        )
    tmp = c.get("terminationMessagePolicy")
    if tmp and tmp not in _MESSAGE_POLICIES:
        causes.append(
            _cause(
                "FieldValueNotSupported",
                f'Unsupported value: "{tmp}": supported values: "File", "FallbackToLogsOnError"',
                f"{path}.terminationMessagePolicy",
            )
        )
    return causes


def _diff(old: Obj, new: Obj) -> str:
    """A short, readable account of what changed (the real server prints a cmp.Diff)."""
    lines = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            lines.append(f"-\t{key}: {json.dumps(old.get(key))}")
            lines.append(f"+\t{key}: {json.dumps(new.get(key))}")
    return "\n".join(lines) + "\n" if lines else ""


def validate_ephemeral_update(old_pod: Obj, new_pod: Obj) -> None:
    """Raise 422 Invalid when `new_pod`'s ephemeral containers may not replace `old_pod`'s."""
    name = old_pod["metadata"]["name"]
    annotations = old_pod["metadata"].get("annotations") or {}
    if MIRROR_ANNOTATION in annotations:
        raise invalid(
            "Pod",
            name,
            [
                _cause(
                    "FieldValueForbidden",
                    "Forbidden: static pods do not support ephemeral containers",
                    "",
                )
            ],
        )
    spec = new_pod.get("spec") or {}
    volumes = {v.get("name", "") for v in spec.get("volumes") or []}
    regular = [c.get("name", "") for c in spec.get("containers") or []]
    init = [c.get("name", "") for c in spec.get("initContainers") or []]
    all_names = set(regular) | set(init)
    targets = set(regular) | set(init)
    causes: list[dict[str, str]] = []
    for i, ec in enumerate(spec.get("ephemeralContainers") or []):
        if not isinstance(ec, dict):
            causes.append(
                _cause(
                    "FieldValueInvalid",
                    "Invalid value: not an object",
                    f"spec.ephemeralContainers[{i}]",
                )
            )
            continue
        path = f"spec.ephemeralContainers[{i}]"
        causes += _common(ec, f"{path}[{i}]", volumes)
        ec_name = ec.get("name") or ""
        if ec_name:
            if ec_name in all_names:
                causes.append(
                    _cause("FieldValueDuplicate", f'Duplicate value: "{ec_name}"', f"{path}.name")
                )
            all_names.add(ec_name)
        target = ec.get("targetContainerName")
        if target and target not in targets:
            causes.append(
                _cause(
                    "FieldValueNotFound", f'Not found: "{target}"', f"{path}.targetContainerName"
                )
            )
        for key in FORBIDDEN_FIELDS:
            if not _empty(ec.get(key)):
                causes.append(_cause("FieldValueForbidden", FORBIDDEN_TEXT, f"{path}.{key}"))
        for j, vm in enumerate(ec.get("volumeMounts") or []):
            for key in ("subPath", "subPathExpr"):
                if vm.get(key):
                    causes.append(
                        _cause(
                            "FieldValueForbidden", FORBIDDEN_TEXT, f"{path}.volumeMounts[{j}].{key}"
                        )
                    )
    new_by_name = {
        ec.get("name"): ec for ec in spec.get("ephemeralContainers") or [] if isinstance(ec, dict)
    }
    for old in (old_pod.get("spec") or {}).get("ephemeralContainers") or []:
        oname = old.get("name", "")
        new = new_by_name.get(oname)
        if new is None:
            causes.append(
                _cause(
                    "FieldValueForbidden",
                    f'Forbidden: existing ephemeral containers "{oname}" may not be removed\n',
                    "spec.ephemeralContainers",
                )
            )
        elif new != old:
            causes.append(
                _cause(
                    "FieldValueForbidden",
                    f'Forbidden: existing ephemeral containers "{oname}" may not be changed\n'
                    + _diff(old, new),
                    f"spec.ephemeralContainers[{oname}]",
                )
            )
    if causes:
        raise invalid("Pod", name, causes)
