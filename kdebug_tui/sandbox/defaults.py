"""Defaults the API server fills in on pod create, so stored pods look like a cluster's."""

from __future__ import annotations

import random
import string
from typing import Any

from kdebug_tui.sandbox.errors import ApiError, invalid

Obj = dict[str, Any]
_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
DEFAULT_TOLERATIONS = [
    {
        "effect": "NoExecute",
        "key": "node.kubernetes.io/not-ready",
        "operator": "Exists",
        "tolerationSeconds": 300,
    },
    {
        "effect": "NoExecute",
        "key": "node.kubernetes.io/unreachable",
        "operator": "Exists",
        "tolerationSeconds": 300,
    },
]
_NAME_OK = set(string.ascii_lowercase + string.digits + "-.")


def random_suffix(n: int = 5) -> str:
    return "".join(random.choice(_SUFFIX_ALPHABET) for _ in range(n))


def _pull_policy(image: str) -> str:
    """Always for `:latest` or untagged images, IfNotPresent otherwise (digests too)."""
    if "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    if ":" not in last or last.endswith(":latest"):
        return "Always"
    return "IfNotPresent"


def default_container(c: Obj) -> None:
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    if c.get("image"):
        c.setdefault("imagePullPolicy", _pull_policy(c["image"]))
    c.setdefault("resources", {})


def default_pod(pod: Obj, namespace: str) -> None:
    meta = pod.setdefault("metadata", {})
    meta["namespace"] = namespace
    if not meta.get("name") and meta.get("generateName"):
        meta["name"] = meta["generateName"] + random_suffix()
    spec = pod.setdefault("spec", {})
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(key) or []:
            default_container(c)
    for v in spec.get("volumes") or []:
        if isinstance(v.get("hostPath"), dict):
            v["hostPath"].setdefault("type", "")
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("serviceAccountName", "default")
    spec.setdefault("serviceAccount", spec["serviceAccountName"])
    spec.setdefault("priority", 0)
    spec.setdefault("enableServiceLinks", True)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    tolerations = spec.setdefault("tolerations", [])
    if not any(t.get("operator") == "Exists" and not t.get("key") for t in tolerations):
        for t in DEFAULT_TOLERATIONS:
            if t not in tolerations:
                tolerations.append(dict(t))
    pod["apiVersion"] = "v1"
    pod["kind"] = "Pod"
    pod.setdefault("status", {"phase": "Pending", "qosClass": "BestEffort"})


def validate_new_pod(pod: Obj) -> None:
    """The checks on create a client can trip over: name, containers, images, names unique."""
    meta = pod.get("metadata") or {}
    name = meta.get("name") or ""
    if not name:
        if meta.get("generateName"):
            return
        raise ApiError(
            422,
            'Pod "" is invalid: metadata.name: Required value: name or generateName is required',
            details={
                "kind": "Pod",
                "causes": [
                    {
                        "reason": "FieldValueRequired",
                        "message": "Required value: name or generateName is required",
                        "field": "metadata.name",
                    }
                ],
            },
        )
    causes: list[dict[str, str]] = []
    if len(name) > 253 or not set(name) <= _NAME_OK or not name[0].isalnum():
        causes.append(
            {
                "reason": "FieldValueInvalid",
                "message": f'Invalid value: "{name}": a lowercase RFC 1123 subdomain must consist '
                "of lower case alphanumeric characters, '-' or '.', and must start and end with "
                "an alphanumeric character",
                "field": "metadata.name",
            }
        )
    spec = pod.get("spec") or {}
    containers = spec.get("containers") or []
    if not containers:
        causes.append(
            {
                "reason": "FieldValueRequired",
                "message": "Required value",
                "field": "spec.containers",
            }
        )
    seen: set[str] = set()
    for key in ("initContainers", "containers"):
        for i, c in enumerate(spec.get(key) or []):
            path = f"spec.{key}[{i}]"
            cname = c.get("name") or ""
            if not cname:
                causes.append(
                    {
                        "reason": "FieldValueRequired",
                        "message": "Required value",
                        "field": f"{path}.name",
                    }
                )
            elif cname in seen:
                causes.append(
                    {
                        "reason": "FieldValueDuplicate",
                        "message": f'Duplicate value: "{cname}"',
                        "field": f"{path}.name",
                    }
                )
            seen.add(cname)
            if not c.get("image"):
                causes.append(
                    {
                        "reason": "FieldValueRequired",
                        "message": "Required value",
                        "field": f"{path}.image",
                    }
                )
    if causes:
        raise invalid("Pod", name, causes)
