"""Type checks of incoming pods, like the API server's JSON decoding into Go structs.

A body whose fields have the wrong JSON type is refused with 400 and the decoder's words
(`json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type
[]v1.Container`) before any other code looks at it, so no handler trips over bad input.
"""

from __future__ import annotations

from typing import Any

from kdebug_tui.sandbox.errors import ApiError

STR, INT, BOOL, STRMAP, STRLIST = "string", "int64", "bool", "map[string]string", "[]string"
CONTAINER_FIELDS: dict[str, str] = {
    "name": STR, "image": STR, "command": STRLIST, "args": STRLIST, "workingDir": STR,
    "terminationMessagePath": STR, "terminationMessagePolicy": STR, "imagePullPolicy": STR,
    "stdin": BOOL, "stdinOnce": BOOL, "tty": BOOL, "targetContainerName": STR,
    "env": "[]v1.EnvVar", "volumeMounts": "[]v1.VolumeMount", "ports": "[]v1.ContainerPort",
    "securityContext": "v1.SecurityContext", "resources": "v1.ResourceRequirements",
}  # fmt: skip
SPEC_FIELDS: dict[str, str] = {
    "containers": "[]v1.Container", "initContainers": "[]v1.Container",
    "ephemeralContainers": "[]v1.EphemeralContainer", "volumes": "[]v1.Volume",
    "tolerations": "[]v1.Toleration", "nodeName": STR, "restartPolicy": STR,
    "serviceAccountName": STR, "hostPID": BOOL, "hostNetwork": BOOL, "hostIPC": BOOL,
    "shareProcessNamespace": BOOL, "securityContext": "v1.PodSecurityContext",
    "terminationGracePeriodSeconds": INT, "nodeSelector": STRMAP,
}  # fmt: skip
META_FIELDS: dict[str, str] = {
    "name": STR,
    "generateName": STR,
    "namespace": STR,
    "labels": STRMAP,
    "annotations": STRMAP,
}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _ok(value: Any, go_type: str) -> bool:
    if value is None:
        return True
    if go_type == STR:
        return isinstance(value, str)
    if go_type == BOOL:
        return isinstance(value, bool)
    if go_type == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if go_type == STRMAP:
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    if go_type == STRLIST:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if go_type.startswith("[]"):
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    return isinstance(value, dict)


def _fail(kind: str, struct: str, path: str, value: Any, go_type: str) -> ApiError:
    return ApiError(
        400,
        f'{kind} in version "v1" cannot be handled as a {kind}: json: cannot unmarshal '
        f"{_json_type(value)} into Go struct field {struct}.{path} of type {go_type}",
    )


def _check(obj: dict[str, Any], fields: dict[str, str], kind: str, struct: str, path: str) -> None:
    for key, go_type in fields.items():
        if key in obj and not _ok(obj[key], go_type):
            raise _fail(kind, struct, f"{path}.{key}" if path else key, obj[key], go_type)


def check_pod(body: Any, kind: str = "Pod") -> None:
    """Raise 400 when `body` cannot be decoded as a Pod."""
    if not isinstance(body, dict):
        raise ApiError(
            400,
            f'{kind} in version "v1" cannot be handled as a {kind}: json: cannot unmarshal '
            f"{_json_type(body)} into Go value of type struct {{ APIVersion string "
            '"json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }',
        )
    for key, struct in (("metadata", "ObjectMeta"), ("spec", "PodSpec")):
        if key in body and not _ok(body[key], "v1." + struct):
            raise _fail(kind, kind, key, body[key], "v1." + struct)
    _check(body.get("metadata") or {}, META_FIELDS, kind, "ObjectMeta", "metadata")
    spec = body.get("spec") or {}
    _check(spec, SPEC_FIELDS, kind, "PodSpec", "spec")
    for key in ("initContainers", "containers", "ephemeralContainers"):
        struct = "EphemeralContainer" if key == "ephemeralContainers" else "Container"
        for c in spec.get(key) or []:
            _check(c, CONTAINER_FIELDS, kind, struct, f"spec.{key}")
            for sub in ("env", "volumeMounts"):
                for item in c.get(sub) or []:
                    _check(
                        item,
                        {"name": STR, "value": STR, "mountPath": STR, "subPath": STR},
                        kind,
                        struct,
                        f"spec.{key}.{sub}",
                    )
            sc = c.get("securityContext") or {}
            _check(
                sc,
                {
                    "privileged": BOOL,
                    "runAsNonRoot": BOOL,
                    "allowPrivilegeEscalation": BOOL,
                    "runAsUser": INT,
                    "runAsGroup": INT,
                    "capabilities": "v1.Capabilities",
                    "seccompProfile": "v1.SeccompProfile",
                },
                kind,
                "SecurityContext",
                f"spec.{key}.securityContext",
            )
            caps = sc.get("capabilities") or {}
            _check(
                caps,
                {"add": STRLIST, "drop": STRLIST},
                kind,
                "Capabilities",
                f"spec.{key}.securityContext.capabilities",
            )
    for v in spec.get("volumes") or []:
        _check(
            v, {"name": STR, "hostPath": "v1.HostPathVolumeSource"}, kind, "Volume", "spec.volumes"
        )
    psc = spec.get("securityContext") or {}
    _check(
        psc,
        {
            "runAsNonRoot": BOOL,
            "runAsUser": INT,
            "runAsGroup": INT,
            "fsGroup": INT,
            "seccompProfile": "v1.SeccompProfile",
        },
        kind,
        "PodSecurityContext",
        "spec.securityContext",
    )
    for t in spec.get("tolerations") or []:
        _check(
            t,
            {"key": STR, "operator": STR, "value": STR, "effect": STR, "tolerationSeconds": INT},
            kind,
            "Toleration",
            "spec.tolerations",
        )
