"""The demo workload: nodes, namespaces and pods with fixed names that tests rely on."""

from __future__ import annotations

import os
import platform
from typing import Any

from kdebug_tui.sandbox.cluster import now_iso

Obj = dict[str, Any]
NODES = ["sandbox-node-1", "sandbox-node-2"]
WEB_IMAGE = "kdebug.local/distroless-web:1.0"
BUSYBOX = "busybox:1.36"
RESTRICTED_LABEL = "pod-security.kubernetes.io/enforce"


def node(name: str, index: int) -> Obj:
    """A node that looks like a cluster's, but says honestly what runs the containers."""
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    }
    if index == 1:
        labels["node-role.kubernetes.io/control-plane"] = ""
    ip = f"172.18.0.{index + 1}"
    capacity = {
        "cpu": str(os.cpu_count() or 2),
        "ephemeral-storage": "102626232Ki",
        "hugepages-2Mi": "0",
        "memory": "8148204Ki",
        "pods": "110",
    }
    ready_since = now_iso()
    conditions = [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": labels,
            "annotations": {"node.alpha.kubernetes.io/ttl": "0", "kdebug.dev/sandbox": "true"},
        },
        "spec": {"podCIDR": f"10.244.{index}.0/24", "podCIDRs": [f"10.244.{index}.0/24"]},
        "status": {
            "addresses": [
                {"type": "InternalIP", "address": ip},
                {"type": "Hostname", "address": name},
            ],
            "allocatable": dict(capacity),
            "capacity": capacity,
            "conditions": [
                {
                    "type": t,
                    "status": s,
                    "reason": r,
                    "message": m,
                    "lastHeartbeatTime": ready_since,
                    "lastTransitionTime": ready_since,
                }
                for t, s, r, m in conditions
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": f"00000000-0000-0000-0000-00000000000{index}",
                "containerRuntimeVersion": "kdebug-sandbox://0.1.0",
                "kernelVersion": platform.release(),
                "kubeProxyVersion": "",
                "kubeletVersion": "v1.32.0-sandbox",
                "machineID": f"sandbox{index}",
                "operatingSystem": "linux",
                "osImage": "kdebug-tui sandbox (local processes, not a Kubernetes node)",
                "systemUUID": f"00000000-0000-0000-0000-0000000000a{index}",
            },
        },
    }


def namespace(name: str, labels: dict[str, str] | None = None) -> Obj:
    all_labels = {"kubernetes.io/metadata.name": name, **(labels or {})}
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name, "labels": all_labels},
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


def base_namespaces() -> list[Obj]:
    return [namespace(n) for n in ("default", "kube-system", "kube-public", "kube-node-lease")]


def demo_namespaces() -> list[Obj]:
    return [
        namespace("shop"),
        namespace(
            "secure",
            {
                RESTRICTED_LABEL: "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
            },
        ),
    ]


def _c(name: str, image: str, command: list[str] | None = None, **extra: Any) -> Obj:
    c: Obj = {"name": name, "image": image}
    if command:
        c["command"] = command
    c.update(extra)
    return c


def _pod(name: str, containers: list[Obj], **spec: Any) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "labels": {"app": name.split("-")[0] if name[-1].isdigit() else name},
        },
        "spec": {"containers": containers, **spec},
    }


def _sh(script: str) -> list[str]:
    return ["sh", "-c", script]


def demo_pods() -> list[tuple[str, Obj]]:
    """(namespace, pod) pairs in creation order."""
    forever = "while true; do sleep 3600; done"
    restricted_ctx = {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
    }
    return [
        ("default", _pod("web-distroless", [_c("app", WEB_IMAGE)])),
        (
            "default",
            _pod(
                "multi",
                [
                    _c("app", WEB_IMAGE),
                    _c(
                        "sidecar",
                        BUSYBOX,
                        _sh("while true; do echo sidecar: shipping logs; sleep 5; done"),
                    ),
                ],
            ),
        ),
        (
            "default",
            _pod(
                "with-init",
                [_c("app", WEB_IMAGE)],
                initContainers=[
                    _c(
                        "migrate",
                        BUSYBOX,
                        _sh("echo migrating schema; sleep 1; echo migration done"),
                    )
                ],
            ),
        ),
        (
            "default",
            _pod(
                "crashloop",
                [
                    _c(
                        "worker",
                        BUSYBOX,
                        _sh(
                            "echo worker starting; sleep 1; "
                            "echo 'fatal: cannot reach queue' >&2; exit 1"
                        ),
                    )
                ],
            ),
        ),
        (
            "default",
            _pod(
                "completed",
                [_c("job", BUSYBOX, _sh("echo report generated; exit 0"))],
                restartPolicy="Never",
            ),
        ),
        ("default", _pod("already-debugged", [_c("app", WEB_IMAGE)])),
        ("shop", _pod("cart-7d9f", [_c("cart", WEB_IMAGE)])),
        (
            "shop",
            _pod(
                "redis-0",
                [_c("redis", BUSYBOX, _sh(f"echo Ready to accept connections; {forever}"))],
            ),
        ),
        (
            "secure",
            _pod(
                "vault-0",
                [_c("vault", WEB_IMAGE, securityContext=restricted_ctx)],
                securityContext={
                    "runAsNonRoot": True,
                    "runAsUser": 1000,
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
            ),
        ),
    ]


# The finished ephemeral container of `already-debugged`, added through the PATCH path.
OLD_DEBUGGER = {
    "name": "debugger-old12",
    "image": BUSYBOX,
    "command": _sh("echo checked the app; exit 0"),
    "targetContainerName": "app",
    "terminationMessagePolicy": "File",
}
