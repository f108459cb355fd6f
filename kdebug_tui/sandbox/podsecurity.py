"""A faithful subset of PodSecurity admission (baseline and restricted), enforce mode only.

Checks run in the admission plugin's order, baseline ones first; a restricted check replaces
the baseline check it overrides (capabilities, seccomp, volume types). The 403 message has the
real shape: `pods "x" is forbidden: violates PodSecurity "restricted:latest": a (...), b (...)`.
"""

from __future__ import annotations

from typing import Any

from kdebug_tui.sandbox.errors import ApiError

Obj = dict[str, Any]
ENFORCE = "pod-security.kubernetes.io/enforce"
ENFORCE_VERSION = "pod-security.kubernetes.io/enforce-version"
BASELINE_CAPS = {
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
}


def _containers(pod: Obj) -> list[Obj]:
    spec = pod.get("spec") or {}
    return [
        c
        for key in ("initContainers", "containers", "ephemeralContainers")
        for c in spec.get(key) or []
    ]


def _who(names: list[str]) -> str:
    quoted = ", ".join(f'"{n}"' for n in names)
    return f"container {quoted}" if len(names) == 1 else f"containers {quoted}"


def _sc(c: Obj) -> Obj:
    return c.get("securityContext") or {}


def _host_namespaces(pod: Obj) -> str | None:
    spec = pod.get("spec") or {}
    bad = [f"{k}=true" for k in ("hostNetwork", "hostPID", "hostIPC") if spec.get(k)]
    return f"host namespaces ({', '.join(bad)})" if bad else None


def _privileged(pod: Obj) -> str | None:
    names = [c["name"] for c in _containers(pod) if _sc(c).get("privileged")]
    return (
        f"privileged ({_who(names)} must not set securityContext.privileged=true)"
        if names
        else None
    )


def _caps_added(pod: Obj, allowed: set[str]) -> list[str]:
    parts = []
    for c in _containers(pod):
        added = [a for a in (_sc(c).get("capabilities") or {}).get("add") or [] if a not in allowed]
        if added:
            caps = ", ".join(f'"{a}"' for a in added)
            parts.append(
                f'container "{c["name"]}" must not include {caps} in '
                "securityContext.capabilities.add"
            )
    return parts


def _caps_baseline(pod: Obj) -> str | None:
    parts = _caps_added(pod, BASELINE_CAPS)
    return f"non-default capabilities ({'; '.join(parts)})" if parts else None


def _caps_restricted(pod: Obj) -> str | None:
    missing = [
        c["name"]
        for c in _containers(pod)
        if "ALL" not in ((_sc(c).get("capabilities") or {}).get("drop") or [])
    ]
    parts = []
    if missing:
        parts.append(f'{_who(missing)} must set securityContext.capabilities.drop=["ALL"]')
    parts += _caps_added(pod, {"NET_BIND_SERVICE"})
    return f"unrestricted capabilities ({'; '.join(parts)})" if parts else None


def _host_path(pod: Obj) -> str | None:
    vols = [v["name"] for v in (pod.get("spec") or {}).get("volumes") or [] if "hostPath" in v]
    if not vols:
        return None
    noun = "volume" if len(vols) == 1 else "volumes"
    return f"hostPath volumes ({noun} {', '.join(f'{chr(34)}{v}{chr(34)}' for v in vols)})"


def _restricted_volumes(pod: Obj) -> str | None:
    allowed = {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
    }
    parts = []
    for v in (pod.get("spec") or {}).get("volumes") or []:
        kinds = [k for k in v if k != "name" and k not in allowed]
        if kinds:
            parts.append(f'volume "{v["name"]}" uses restricted volume type "{kinds[0]}"')
    return f"restricted volume types ({'; '.join(parts)})" if parts else None


def _escalation(pod: Obj) -> str | None:
    names = [
        c["name"] for c in _containers(pod) if _sc(c).get("allowPrivilegeEscalation") is not False
    ]
    if not names:
        return None
    return (
        f"allowPrivilegeEscalation != false ({_who(names)} must set "
        "securityContext.allowPrivilegeEscalation=false)"
    )


def _non_root(pod: Obj) -> str | None:
    pod_sc = (pod.get("spec") or {}).get("securityContext") or {}
    pod_value = pod_sc.get("runAsNonRoot")
    parts = []
    if pod_value is False:
        parts.append("pod must not set securityContext.runAsNonRoot=false")
    explicit_false = [c["name"] for c in _containers(pod) if _sc(c).get("runAsNonRoot") is False]
    if explicit_false:
        parts.append(f"{_who(explicit_false)} must not set securityContext.runAsNonRoot=false")
    if pod_value is not True:
        unset = [c["name"] for c in _containers(pod) if _sc(c).get("runAsNonRoot") is None]
        if unset:
            parts.append(f"pod or {_who(unset)} must set securityContext.runAsNonRoot=true")
    return f"runAsNonRoot != true ({'; '.join(parts)})" if parts else None


def _run_as_user(pod: Obj) -> str | None:
    parts = []
    if ((pod.get("spec") or {}).get("securityContext") or {}).get("runAsUser") == 0:
        parts.append("pod must not set runAsUser=0")
    names = [c["name"] for c in _containers(pod) if _sc(c).get("runAsUser") == 0]
    if names:
        parts.append(f"{_who(names)} must not set runAsUser=0")
    return f"runAsUser=0 ({'; '.join(parts)})" if parts else None


def _seccomp_type(obj: Obj) -> str | None:
    return ((obj.get("securityContext") or {}).get("seccompProfile") or {}).get("type")


def _seccomp_baseline(pod: Obj) -> str | None:
    spec = pod.get("spec") or {}
    parts = []
    if _seccomp_type(spec) == "Unconfined":
        parts.append('pod must not set securityContext.seccompProfile.type to "Unconfined"')
    names = [c["name"] for c in _containers(pod) if _seccomp_type(c) == "Unconfined"]
    if names:
        parts.append(
            f'{_who(names)} must not set securityContext.seccompProfile.type to "Unconfined"'
        )
    return f"seccompProfile ({'; '.join(parts)})" if parts else None


def _seccomp_restricted(pod: Obj) -> str | None:
    spec = pod.get("spec") or {}
    good = ("RuntimeDefault", "Localhost")
    pod_type = _seccomp_type(spec)
    parts = []
    if pod_type is not None and pod_type not in good:
        parts.append(f'pod must not set securityContext.seccompProfile.type to "{pod_type}"')
    bad_containers = [
        c for c in _containers(pod) if _seccomp_type(c) is not None and _seccomp_type(c) not in good
    ]
    bad = [c["name"] for c in bad_containers]
    if bad:
        parts.append(
            f"{_who(bad)} must not set securityContext.seccompProfile.type to "
            f'"{_seccomp_type(bad_containers[0])}"'
        )
    if pod_type is None:
        unset = [c["name"] for c in _containers(pod) if _seccomp_type(c) is None]
        if unset:
            parts.append(
                f"pod or {_who(unset)} must set securityContext.seccompProfile.type to "
                '"RuntimeDefault" or "Localhost"'
            )
    return f"seccompProfile ({'; '.join(parts)})" if parts else None


BASELINE = [_caps_baseline, _host_namespaces, _host_path, _privileged, _seccomp_baseline]
RESTRICTED = [
    _host_namespaces,
    _privileged,
    _escalation,
    _caps_restricted,
    _restricted_volumes,
    _non_root,
    _run_as_user,
    _seccomp_restricted,
]


def level_of(namespace: Obj | None) -> tuple[str, str]:
    labels = ((namespace or {}).get("metadata") or {}).get("labels") or {}
    return labels.get(ENFORCE, "privileged"), labels.get(ENFORCE_VERSION, "latest")


def violations(pod: Obj, level: str) -> list[str]:
    checks = RESTRICTED if level == "restricted" else BASELINE if level == "baseline" else []
    return [text for check in checks if (text := check(pod))]


def enforce(pod: Obj, namespace: Obj | None) -> None:
    """Raise 403 Forbidden when the namespace's enforce level refuses `pod`."""
    level, version = level_of(namespace)
    found = violations(pod, level)
    if found:
        name = pod["metadata"].get("name", "")
        raise ApiError(
            403,
            f'pods "{name}" is forbidden: violates PodSecurity "{level}:{version}": '
            + ", ".join(found),
            details={"name": name, "kind": "pods"},
        )
