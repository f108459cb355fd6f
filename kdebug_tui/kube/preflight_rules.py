"""The pure pre-flight rules: pod state, --target, privileges, secrets, runAsNonRoot.

Kept apart from `preflight.py` (which asks the API server) so they are cheap to run on every
keystroke of the form and easy to test without a cluster.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from .debug import BuiltDebug, DebugRequest
from .podstate import container_spec, container_status, describe_state

Level = Literal["error", "warning", "info"]
_ORDER = {"error": 0, "warning": 1, "info": 2}
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"

_SECRET_NAME = re.compile(
    r"(?i)(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|auth)"
)
_SECRET_VALUE = re.compile(
    r"(eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}"  # JWT
    r"|AKIA[0-9A-Z]{16}"  # AWS access key id
    r"|gh[pousr]_[A-Za-z0-9]{20,}|xox[abpr]-[\w-]{10,}"  # GitHub, Slack tokens
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----"
    r"|(?i:(?:password|passwd|token|secret)=\S+))"
)
_HIGH_ENTROPY = re.compile(r"^[A-Za-z0-9+/=_\-]{40,}$")


@dataclass(frozen=True)
class Finding:
    level: Level
    code: str
    message: str
    hint: str | None = None
    confirm: bool = False  # a privileged choice: the UI must ask before going on


def check_pod(request: DebugRequest, pod: dict[str, Any]) -> list[Finding]:
    """The target pod's state and the --target container (pure)."""
    out: list[Finding] = []
    meta = pod.get("metadata") or {}
    name = str(meta.get("name") or request.pod_name or "")
    phase = (pod.get("status") or {}).get("phase")
    ephemeral = request.mode == "ephemeral"
    if meta.get("deletionTimestamp"):
        out.append(
            Finding(
                "error" if ephemeral else "warning",
                "pod-terminating",
                f"pod {name} is terminating",
                "pick a running pod; a copy made now keeps working after the original is gone",
            )
        )
    if ephemeral and phase in ("Succeeded", "Failed"):
        out.append(
            Finding(
                "error",
                "pod-completed",
                f"pod {name} has completed (phase {phase}): an ephemeral container would "
                "never start",
                "debug a copy of the pod instead (copy mode)",
            )
        )
    if ephemeral and MIRROR_ANNOTATION in (meta.get("annotations") or {}):
        out.append(
            Finding(
                "error",
                "static-pod",
                f"pod {name} is a static (mirror) pod: static pods do not support ephemeral "
                "containers",
                "debug a copy of the pod instead (copy mode), or debug its node",
            )
        )
    if ephemeral and not (pod.get("spec") or {}).get("nodeName"):
        out.append(
            Finding(
                "warning",
                "pod-unscheduled",
                f"pod {name} is not scheduled on a node yet: the debug container will wait",
            )
        )
    if ephemeral and request.container_name:
        spec, _kind = container_spec(pod, request.container_name)
        if spec is not None:
            out.append(
                Finding(
                    "error",
                    "name-taken",
                    f"pod {name} already has a container named {request.container_name}",
                    "choose another name, or leave it empty for a generated one",
                )
            )
    if ephemeral and request.target:
        out.extend(_check_target(pod, name, request.target))
    return out


def _check_target(pod: dict[str, Any], pod_name: str, target: str) -> list[Finding]:
    spec, kind = container_spec(pod, target)
    regular = [c.get("name", "") for c in (pod.get("spec") or {}).get("containers") or []]
    if spec is None:
        return [
            Finding(
                "error",
                "target-unknown",
                f"pod {pod_name} has no container {target}",
                "target one of: " + ", ".join(regular),
            )
        ]
    if kind != "regular":
        return [
            Finding(
                "error",
                f"target-{kind}",
                f"{target} is an {kind} container: --target must name a regular container",
                "target one of: " + ", ".join(regular),
            )
        ]
    status = container_status(pod, target)
    if "running" not in ((status or {}).get("state") or {}):
        return [
            Finding(
                "warning",
                "target-not-running",
                f"target container {target} is not running ({describe_state(status)}): its "
                "processes will not be visible and the debug container may fail to start",
                "wait until it runs, or debug a copy of the pod",
            )
        ]
    return []


def privilege_findings(
    request: DebugRequest, built: BuiltDebug | None, pod: dict[str, Any] | None
) -> list[Finding]:
    """Choices that grant real power; each needs the user's confirmation."""
    out: list[Finding] = []
    if request.profile == "sysadmin":
        out.append(
            Finding(
                "warning",
                "privileged",
                "the sysadmin profile runs a privileged container: every capability and all "
                "host devices, enough to take over the node",
                "use general or netadmin unless you need kernel-level access",
                confirm=True,
            )
        )
    elif request.profile == "netadmin":
        out.append(
            Finding(
                "info",
                "netadmin",
                "the netadmin profile adds NET_ADMIN and NET_RAW: it can change the pod's "
                "network configuration and capture its traffic",
            )
        )
    spec = (built.body.get("spec") or {}) if built and built.mode != "ephemeral" else {}
    host = [k for k in ("hostNetwork", "hostPID", "hostIPC") if spec.get(k)]
    if request.mode == "node" and (host or spec.get("volumes")):
        out.append(
            Finding(
                "warning",
                "node-access",
                f"node debugging on {request.node_name} shares the node's "
                + ("namespaces (" + ", ".join(host) + ")" if host else "kernel")
                + (" and mounts the node's root filesystem at /host" if spec.get("volumes") else "")
                + ": what you change there changes the real node",
                "use the baseline or restricted profile for an isolated pod on that node",
                confirm=True,
            )
        )
    elif host:
        out.append(
            Finding(
                "warning",
                "host-namespaces",
                "the pod will use the host's namespaces (" + ", ".join(host) + ")",
                confirm=True,
            )
        )
    if request.mode == "copy" and request.copy_options.replace:
        owners = ((pod or {}).get("metadata") or {}).get("ownerReferences") or []
        owner = next((o for o in owners if o.get("controller")), None)
        detail = (
            f"its {owner.get('kind')} {owner.get('name')} will start a new pod, which is not "
            "your copy"
            if owner
            else "nothing owns it, so it will not come back"
        )
        out.append(
            Finding(
                "warning",
                "replace",
                f"--replace deletes the original pod {request.pod_name} once the copy exists: "
                + detail,
                "leave replace off to keep the original running",
                confirm=True,
            )
        )
    return out


def secret_findings(request: DebugRequest) -> list[Finding]:
    """Values that look like credentials: they stay in the pod spec (ephemeral: forever)."""
    where = (
        "in the pod spec for the life of the pod (ephemeral containers can never be removed)"
        if request.mode == "ephemeral"
        else "in the pod spec until the pod is deleted"
    )
    out: list[Finding] = []
    pairs = [(var.name, var.value) for var in request.env]
    for entry in (request.custom or {}).get("env") or []:
        if isinstance(entry, dict) and isinstance(entry.get("value"), str):
            pairs.append((str(entry.get("name", "")), entry["value"]))
    for name, value in pairs:
        if value and (_SECRET_NAME.search(name) or _looks_secret(value)):
            out.append(
                Finding(
                    "warning",
                    "secret-env",
                    f"environment variable {name} looks like a secret: it stays {where}, "
                    "readable by anyone who can get pods",
                    "read secrets inside the shell instead (from a mounted file or a Secret)",
                )
            )
    if any(_looks_secret(arg) for arg in request.command):
        out.append(
            Finding(
                "warning",
                "secret-command",
                f"the command line looks like it contains a secret: it stays {where}",
                "pass secrets inside the shell instead",
            )
        )
    return out


def _looks_secret(value: str) -> bool:
    return bool(_SECRET_VALUE.search(value) or _HIGH_ENTROPY.match(value))


def run_as_non_root(
    request: DebugRequest, built: BuiltDebug, pod: dict[str, Any] | None
) -> list[Finding]:
    """runAsNonRoot without a non-root user: CreateContainerConfigError at start."""
    if not built.container_name:
        return []
    if built.mode == "ephemeral":
        container = built.body["spec"]["ephemeralContainers"][0]
        pod_context = ((pod or {}).get("spec") or {}).get("securityContext") or {}
    else:
        spec = built.body.get("spec") or {}
        container = next(
            (c for c in spec.get("containers") or [] if c.get("name") == built.container_name), {}
        )
        pod_context = spec.get("securityContext") or {}
    context = container.get("securityContext") or {}
    non_root = context.get("runAsNonRoot", pod_context.get("runAsNonRoot"))
    user = context.get("runAsUser", pod_context.get("runAsUser"))
    if non_root is not True or (user is not None and user != 0):
        return []
    image = container.get("image") or request.image or "the image"
    hint = 'set a non-root user with a custom spec, e.g. {"securityContext": {"runAsUser": 65534}}'
    if request.profile != "restricted":
        hint = "use the restricted profile and " + hint
    return [
        Finding(
            "warning",
            "run-as-non-root",
            f"the pod requires runAsNonRoot and {image} runs as root unless its image sets a "
            'non-root USER: it would fail with CreateContainerConfigError "container has '
            'runAsNonRoot and image will run as root"',
            hint,
        )
    ]
