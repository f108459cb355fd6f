"""A client-side reading of the Pod Security Standards for what we are about to create.

Only the checks a debug container can trip are implemented (host namespaces, privileged,
capabilities, hostPath, and restricted's privilege escalation / capabilities / non-root /
seccomp rules), with the admission plugin's wording, so pre-flight can say *before* sending
that a profile will be rejected and which profile would be admitted.
"""

from __future__ import annotations

from typing import Any

LEVELS = ("privileged", "baseline", "restricted")
ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"
WARN_LABEL = "pod-security.kubernetes.io/warn"

BASELINE_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
        "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    }
)  # fmt: skip
RESTRICTED_CAPABILITIES = frozenset({"NET_BIND_SERVICE"})


def violations(
    level: str,
    pod_spec: dict[str, Any],
    containers: list[dict[str, Any]],
    *,
    check_pod_level: bool = True,
) -> list[str]:
    """Why `containers` (and, with `check_pod_level`, the pod) break `level`; [] if none."""
    if level not in ("baseline", "restricted"):
        return []
    found: list[str] = []
    if check_pod_level:
        host = [k for k in ("hostNetwork", "hostPID", "hostIPC") if pod_spec.get(k)]
        if host:
            found.append("host namespaces (" + ", ".join(f"{k}=true" for k in host) + ")")
        paths = [v.get("name", "") for v in pod_spec.get("volumes") or [] if "hostPath" in v]
        if paths:
            found.append("hostPath volumes (" + ", ".join(f'"{p}"' for p in paths) + ")")
    for container in containers:
        name = container.get("name", "")
        context = container.get("securityContext") or {}
        if context.get("privileged"):
            found.append(f'privileged (container "{name}" must not set privileged=true)')
        added = [str(c) for c in (context.get("capabilities") or {}).get("add") or []]
        allowed = BASELINE_CAPABILITIES if level == "baseline" else RESTRICTED_CAPABILITIES
        extra = [c for c in added if c not in allowed]
        if extra:
            found.append(
                f'non-default capabilities (container "{name}" must not include '
                + ", ".join(f'"{c}"' for c in extra)
                + " in securityContext.capabilities.add)"
            )
    if level == "restricted":
        found.extend(_restricted(pod_spec, containers))
    return found


def _restricted(pod_spec: dict[str, Any], containers: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    pod_context = pod_spec.get("securityContext") or {}
    for container in containers:
        name = container.get("name", "")
        context = container.get("securityContext") or {}
        if context.get("allowPrivilegeEscalation") is not False:
            found.append(
                f'allowPrivilegeEscalation != false (container "{name}" must set '
                "securityContext.allowPrivilegeEscalation=false)"
            )
        drop = [str(c) for c in (context.get("capabilities") or {}).get("drop") or []]
        if "ALL" not in drop:
            found.append(
                f'unrestricted capabilities (container "{name}" must set '
                'securityContext.capabilities.drop=["ALL"])'
            )
        non_root = context.get("runAsNonRoot", pod_context.get("runAsNonRoot"))
        if non_root is not True:
            found.append(
                f'runAsNonRoot != true (pod or container "{name}" must set '
                "securityContext.runAsNonRoot=true)"
            )
        if context.get("runAsUser", pod_context.get("runAsUser")) == 0:
            found.append(f'runAsUser=0 (container "{name}" must not set runAsUser=0)')
        seccomp = (context.get("seccompProfile") or pod_context.get("seccompProfile") or {}).get(
            "type"
        )
        if seccomp not in ("RuntimeDefault", "Localhost"):
            found.append(
                f'seccompProfile (pod or container "{name}" must set '
                'securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")'
            )
    return found


def namespace_level(namespace: dict[str, Any] | None, label: str = ENFORCE_LABEL) -> str:
    labels = ((namespace or {}).get("metadata") or {}).get("labels") or {}
    level = str(labels.get(label) or "privileged")
    return level if level in LEVELS else "privileged"
