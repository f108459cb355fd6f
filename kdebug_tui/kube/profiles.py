"""kubectl debug's profiles (kubectl 1.32 pkg/cmd/debug/profiles.go), applied to plain dicts.

A profile changes the debug container and, for copies and node pods, the pod around it. The
three styles differ: `ephemeral` edits the new entry of `spec.ephemeralContainers` in a copy
of the target pod, `copy` edits the copied pod (whose containers include the debugger),
`node` edits the node-debugger pod. Each function below mirrors one kubectl helper, so the
result is field for field what `kubectl debug --profile=<name>` would send.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

Style = Literal["ephemeral", "copy", "node"]

PROFILES = ("legacy", "general", "baseline", "restricted", "netadmin", "sysadmin")
DEFAULT_PROFILE = "general"

PROFILE_SUMMARIES = {
    "legacy": "kubectl's behaviour before 1.27: no security changes (node: host namespaces, /host)",
    "general": "adds SYS_PTRACE; copies share process namespaces; node: host namespaces and /host",
    "baseline": "no extra privileges; fits the baseline Pod Security level",
    "restricted": "non-root, all capabilities dropped, RuntimeDefault seccomp; fits restricted",
    "netadmin": "adds NET_ADMIN and NET_RAW; node: host namespaces",
    "sysadmin": "privileged container; node: host namespaces and /host",
}

HOST_ROOT_VOLUME = "host-root"
HOST_ROOT_MOUNT = "/host"


@dataclass(frozen=True)
class KeepFlags:
    """kubectl's --keep-* flags; they only matter for copies."""

    labels: bool = False
    annotations: bool = False
    liveness: bool = False
    readiness: bool = False
    startup: bool = False
    init_containers: bool = True


class UnknownProfile(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown profile: {name} (options are {', '.join(PROFILES)})")
        self.name = name


def apply_profile(
    profile: str,
    pod: dict[str, Any],
    container_name: str,
    style: Style,
    keep: KeepFlags | None = None,
) -> None:
    """Apply `profile` in place to `pod` for the debug container `container_name`."""
    keep = keep or KeepFlags()
    try:
        handler = _PROFILES[profile]
    except KeyError:
        raise UnknownProfile(profile) from None
    handler(pod, container_name, style, keep)


def _legacy(pod: dict, name: str, style: Style, keep: KeepFlags) -> None:
    if style == "node":
        _mount_root_partition(pod, name)
        _use_host_namespaces(pod)
    elif style == "copy":
        _remove_labels(pod, KeepFlags(labels=False))


def _general(pod: dict, name: str, style: Style, keep: KeepFlags) -> None:
    if style == "node":
        _mount_root_partition(pod, name)
        _clear_security_context(pod, name)
        _use_host_namespaces(pod)
    elif style == "copy":
        _strip_for_copy(pod, keep)
        _add_capabilities(pod, name, "SYS_PTRACE")
        _share_process_namespace(pod)
    else:
        _add_capabilities(pod, name, "SYS_PTRACE")


def _baseline(pod: dict, name: str, style: Style, keep: KeepFlags) -> None:
    _clear_security_context(pod, name)
    if style == "copy":
        _strip_for_copy(pod, keep)
        _share_process_namespace(pod)


def _restricted(pod: dict, name: str, style: Style, keep: KeepFlags) -> None:
    _clear_security_context(pod, name)
    for container in _named(pod, name, all_kinds=True):
        context = container.setdefault("securityContext", {})
        context["runAsNonRoot"] = True
        capabilities = context.setdefault("capabilities", {})
        capabilities["drop"] = ["ALL"]
        capabilities.pop("add", None)
        context["allowPrivilegeEscalation"] = False
        context["seccompProfile"] = {"type": "RuntimeDefault"}
    if style == "copy":
        _strip_for_copy(pod, keep)
        _share_process_namespace(pod)


def _netadmin(pod: dict, name: str, style: Style, keep: KeepFlags) -> None:
    _add_capabilities(pod, name, "NET_ADMIN", "NET_RAW")
    if style == "node":
        _use_host_namespaces(pod)
    elif style == "copy":
        _strip_for_copy(pod, keep)
        _share_process_namespace(pod)


def _sysadmin(pod: dict, name: str, style: Style, keep: KeepFlags) -> None:
    for container in _named(pod, name, all_kinds=True):
        container.setdefault("securityContext", {})["privileged"] = True
    if style == "node":
        _use_host_namespaces(pod)
        _mount_root_partition(pod, name)
    elif style == "copy":
        _strip_for_copy(pod, keep)
        _share_process_namespace(pod)


_PROFILES: dict[str, Callable[[dict, str, Style, KeepFlags], None]] = {
    "legacy": _legacy,
    "general": _general,
    "baseline": _baseline,
    "restricted": _restricted,
    "netadmin": _netadmin,
    "sysadmin": _sysadmin,
}


def _named(pod: dict, name: str, *, all_kinds: bool) -> Iterator[dict]:
    """The first container called `name` (kubectl's VisitContainers stops at the first)."""
    spec = pod.setdefault("spec", {})
    # podutils.AllContainers visits init, regular, then ephemeral; podutils.Containers only
    # regular ones (used for the /host mount).
    kinds = (
        ("initContainers", "containers", "ephemeralContainers") if all_kinds else ("containers",)
    )
    for kind in kinds:
        for container in spec.get(kind) or []:
            if container.get("name") == name:
                yield container
                return


def _strip_for_copy(pod: dict, keep: KeepFlags) -> None:
    _remove_labels(pod, keep)
    if not keep.annotations:
        pod.get("metadata", {}).pop("annotations", None)
    for container in pod.get("spec", {}).get("containers") or []:
        if not keep.liveness:
            container.pop("livenessProbe", None)
        if not keep.readiness:
            container.pop("readinessProbe", None)
        if not keep.startup:
            container.pop("startupProbe", None)
    if not keep.init_containers:
        pod.get("spec", {}).pop("initContainers", None)


def _remove_labels(pod: dict, keep: KeepFlags) -> None:
    if not keep.labels:
        pod.get("metadata", {}).pop("labels", None)


def _mount_root_partition(pod: dict, name: str) -> None:
    spec = pod.setdefault("spec", {})
    spec.setdefault("volumes", []).append({"name": HOST_ROOT_VOLUME, "hostPath": {"path": "/"}})
    for container in _named(pod, name, all_kinds=False):
        container.setdefault("volumeMounts", []).append(
            {"mountPath": HOST_ROOT_MOUNT, "name": HOST_ROOT_VOLUME}
        )


def _use_host_namespaces(pod: dict) -> None:
    spec = pod.setdefault("spec", {})
    spec["hostNetwork"] = True
    spec["hostPID"] = True
    spec["hostIPC"] = True


def _share_process_namespace(pod: dict) -> None:
    spec = pod.setdefault("spec", {})
    if spec.get("shareProcessNamespace") is None:
        spec["shareProcessNamespace"] = True


def _clear_security_context(pod: dict, name: str) -> None:
    for container in _named(pod, name, all_kinds=True):
        container.pop("securityContext", None)


def _add_capabilities(pod: dict, name: str, *capabilities: str) -> None:
    for container in _named(pod, name, all_kinds=True):
        context = container.setdefault("securityContext", {})
        context.setdefault("capabilities", {}).setdefault("add", []).extend(capabilities)
