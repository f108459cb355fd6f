"""Turn a pod's container spec into the runtime's ContainerLaunch, and status helpers."""

from __future__ import annotations

from typing import Any

from kdebug_tui.sandbox.expansion import expand, expand_all

Obj = dict[str, Any]


def find_container(pod: Obj, name: str) -> tuple[str, Obj] | None:
    """(kind, spec) of the container called `name`: kind is init, regular or ephemeral."""
    spec = pod.get("spec") or {}
    for key, kind in (
        ("initContainers", "init"),
        ("containers", "regular"),
        ("ephemeralContainers", "ephemeral"),
    ):
        for c in spec.get(key) or []:
            if c.get("name") == name:
                return kind, c
    return None


def _env(pod: Obj, c: Obj) -> dict[str, str]:
    meta, spec, status = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    field_values = {
        "metadata.name": meta.get("name", ""),
        "metadata.namespace": meta.get("namespace", ""),
        "metadata.uid": meta.get("uid", ""),
        "spec.nodeName": spec.get("nodeName", ""),
        "spec.serviceAccountName": spec.get("serviceAccountName", ""),
        "status.podIP": status.get("podIP", ""),
        "status.hostIP": status.get("hostIP", ""),
    }
    env: dict[str, str] = {
        "HOSTNAME": meta.get("name", ""),
        "KUBERNETES_SERVICE_HOST": "10.96.0.1",
        "KUBERNETES_SERVICE_PORT": "443",
    }
    for item in c.get("env") or []:
        if "value" in item:  # $(VAR) of a variable defined above it, as the kubelet expands
            env[item["name"]] = expand(str(item.get("value") or ""), env)
        else:
            ref = ((item.get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath")
            if ref in field_values:
                env[item["name"]] = field_values[ref]
    return env


def _security(pod: Obj, c: Obj, key: str) -> Any:
    own = (c.get("securityContext") or {}).get(key)
    if own is not None:
        return own
    return ((pod.get("spec") or {}).get("securityContext") or {}).get(key)


def host_root_mount(pod: Obj, c: Obj) -> str | None:
    """mountPath of a hostPath "/" volume mounted in this container (kubectl's /host)."""
    roots = {
        v.get("name")
        for v in (pod.get("spec") or {}).get("volumes") or []
        if (v.get("hostPath") or {}).get("path") == "/"
    }
    for vm in c.get("volumeMounts") or []:
        if vm.get("name") in roots:
            return str(vm.get("mountPath"))
    return None


def build_launch(launch_cls: Any, pod: Obj, kind: str, c: Obj) -> Any:
    meta, spec = pod["metadata"], pod.get("spec") or {}
    env = _env(pod, c)
    return launch_cls(
        pod_uid=meta["uid"],
        namespace=meta["namespace"],
        pod_name=meta["name"],
        node_name=spec.get("nodeName", ""),
        name=c["name"],
        kind=kind,
        image=c.get("image", ""),
        image_pull_policy=c.get("imagePullPolicy"),
        command=expand_all(c.get("command"), env),  # the kubelet's $(VAR) and $$ expansion
        args=expand_all(c.get("args"), env),
        env=env,
        working_dir=c.get("workingDir"),
        stdin=bool(c.get("stdin")),
        stdin_once=bool(c.get("stdinOnce")),
        tty=bool(c.get("tty")),
        target_container=c.get("targetContainerName") if kind == "ephemeral" else None,
        share_process_namespace=bool(spec.get("shareProcessNamespace")),
        host_pid=bool(spec.get("hostPID")),
        host_network=bool(spec.get("hostNetwork")),
        privileged=bool((c.get("securityContext") or {}).get("privileged")),
        host_root_mount=host_root_mount(pod, c),
        run_as_user=_security(pod, c, "runAsUser"),
        run_as_group=_security(pod, c, "runAsGroup"),
        run_as_non_root=_security(pod, c, "runAsNonRoot"),
    )


def waiting(reason: str, message: str | None = None) -> Obj:
    w: Obj = {"reason": reason}
    if message:
        w["message"] = message
    return {"waiting": w}
