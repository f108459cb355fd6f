"""`kubectl describe pod`, and the pod template and container sections other kinds reuse.

Section for section as kubectl's describePod prints it: identity, node and start time,
labels and annotations, status and IPs, the controller, init / regular / ephemeral
containers (ports, command, state and last state, limits and requests, probes, environment
with field references resolved from the pod, mounts), conditions, volumes, QoS class, node
selectors, tolerations and events. Pure: the caller fetches the pod and its events.
"""

from __future__ import annotations

from typing import Any

from kdebug_tui.kube import quantity
from kdebug_tui.kube.describe_text import (
    Writer,
    annotations_multiline,
    controlled_by,
    events_section,
    labels_multiline,
    rfc1123z,
    tolerations_multiline,
)
from kdebug_tui.kube.podfields import d, ds, n, s

Obj = dict[str, Any]


def _ports(container: Obj, key: str) -> str:
    ports = ds(container.get("ports"))
    if key == "hostPort":
        return ", ".join(f"{n(p.get('hostPort'))}/{s(p.get('protocol'))}" for p in ports)
    return ", ".join(f"{n(p.get('containerPort'))}/{s(p.get('protocol'))}" for p in ports)


def field_value(pod: Obj | None, path: str) -> str:
    """kubectl's EnvValueFrom for a fieldRef: the value the kubelet would inject."""
    if pod is None:
        return ""
    meta, spec, status = d(pod.get("metadata")), d(pod.get("spec")), d(pod.get("status"))
    simple = {
        "metadata.name": meta.get("name"),
        "metadata.namespace": meta.get("namespace"),
        "metadata.uid": meta.get("uid"),
        "spec.nodeName": spec.get("nodeName"),
        "spec.serviceAccountName": spec.get("serviceAccountName"),
        "status.hostIP": status.get("hostIP"),
        "status.podIP": status.get("podIP"),
    }
    if path in simple:
        return s(simple[path])
    for prefix, source in (("metadata.labels", "labels"), ("metadata.annotations", "annotations")):
        if path.startswith(prefix + "['") and path.endswith("']"):
            return s(d(meta.get(source)).get(path[len(prefix) + 2 : -2]))
    return ""


def _probe(probe: Obj) -> str:
    attrs = (
        f"delay={n(probe.get('initialDelaySeconds'))}s "
        f"timeout={n(probe.get('timeoutSeconds') or 1)}s "
        f"period={n(probe.get('periodSeconds') or 10)}s "
        f"#success={n(probe.get('successThreshold') or 1)} "
        f"#failure={n(probe.get('failureThreshold') or 3)}"
    )
    if "exec" in probe:
        return f"exec [{' '.join(s(c) for c in d(probe['exec']).get('command') or [])}] {attrs}"
    if "httpGet" in probe:
        h = d(probe["httpGet"])
        scheme = s(h.get("scheme")).lower() or "http"
        return (
            f"http-get {scheme}://{s(h.get('host'))}:{s(h.get('port'))}{s(h.get('path'))} {attrs}"
        )
    if "tcpSocket" in probe:
        t = d(probe["tcpSocket"])
        return f"tcp-socket {s(t.get('host'))}:{s(t.get('port'))} {attrs}"
    if "grpc" in probe:
        g = d(probe["grpc"])
        service = s(g.get("service"))
        return f"grpc <pod>:{n(g.get('port'))} {service} {attrs}".replace("  ", " ")
    return f"unknown {attrs}"


def _state(w: Writer, title: str, state: Obj) -> None:
    if "running" in state:
        w.line(2, title, "Running")
        w.line(3, "Started", rfc1123z(d(state["running"]).get("startedAt")))
    elif "terminated" in state:
        t = d(state["terminated"])
        w.line(2, title, "Terminated")
        if s(t.get("reason")):
            w.line(3, "Reason", s(t["reason"]))
        if s(t.get("message")):
            w.line(3, "Message", s(t["message"]))
        w.line(3, "Exit Code", n(t.get("exitCode")))
        if n(t.get("signal")) > 0:
            w.line(3, "Signal", n(t["signal"]))
        w.line(3, "Started", rfc1123z(t.get("startedAt")))
        w.line(3, "Finished", rfc1123z(t.get("finishedAt")))
    else:
        w.line(2, title, "Waiting")
        reason = s(d(state.get("waiting")).get("reason"))
        if reason:
            w.line(3, "Reason", reason)


def _resources(w: Writer, resources: Obj, level: int) -> None:
    for title, key in (("Limits", "limits"), ("Requests", "requests")):
        values = d(resources.get(key))
        if values:
            w.line(level, title)
            for name in sorted(values):
                w.line(level + 1, name, s(values[name]))


def _env(w: Writer, container: Obj, pod: Obj | None) -> None:
    env_from = ds(container.get("envFrom"))
    if env_from:
        w.write(2, "Environment Variables from:\n")
        for e in env_from:
            ref, source = (d(e.get("configMapRef")), "ConfigMap")
            if not ref:
                ref, source = d(e.get("secretRef")), "Secret"
            optional = ref.get("optional") is True
            prefix = s(e.get("prefix"))
            shown = f"{source} with prefix '{prefix}'" if prefix else source
            w.write(3, f"{s(ref.get('name'))}\t{shown}\tOptional: {str(optional).lower()}\n")
    env = ds(container.get("env"))
    w.write(2, "Environment:\n" if env else "Environment:\t<none>\n")
    for e in env:
        name, origin = s(e.get("name")), d(e.get("valueFrom"))
        if not origin:
            for i, part in enumerate(s(e.get("value")).split("\n")):
                w.write(3, f"{name}:\t{part}\n" if i == 0 else f"\t{part}\n")
        elif "fieldRef" in origin:
            ref = d(origin["fieldRef"])
            path = s(ref.get("fieldPath"))
            w.write(3, f"{name}:\t{field_value(pod, path)} ({s(ref.get('apiVersion'))}:{path})\n")
        elif "resourceFieldRef" in origin:
            ref = d(origin["resourceFieldRef"])
            resource = s(ref.get("resource"))
            kind, _, res = resource.partition(".")
            shown = s(d(d(container.get("resources")).get(kind)).get(res)) or "0"
            if shown == "0" and resource in ("limits.cpu", "limits.memory"):
                shown = "node allocatable"
            w.write(3, f"{name}:\t{shown} ({resource})\n")
        else:
            for key, what in (("secretKeyRef", "in secret"), ("configMapKeyRef", "of config map")):
                if key in origin:
                    ref = d(origin[key])
                    flag = str(ref.get("optional") is True).lower()
                    w.write(
                        3,
                        f"{name}:\t<set to the key '{s(ref.get('key'))}' {what} "
                        f"'{s(ref.get('name'))}'>\tOptional: {flag}\n",
                    )


def _mounts(w: Writer, container: Obj) -> None:
    mounts = sorted(ds(container.get("volumeMounts")), key=lambda m: s(m.get("mountPath")))
    w.write(2, "Mounts:\n" if mounts else "Mounts:\t<none>\n")
    for m in mounts:
        flags = ["ro" if m.get("readOnly") is True else "rw"]
        if s(m.get("subPath")):
            flags.append(f'path="{s(m["subPath"])}"')
        w.write(3, f"{s(m.get('mountPath'))} from {s(m.get('name'))} ({','.join(flags)})\n")


def describe_containers(
    w: Writer,
    label: str,
    containers: list[Obj],
    statuses: list[Obj] | None,
    pod: Obj | None,
    space: str = "",
) -> None:
    """describeContainers: `space` is "  " inside a pod template (names one space deeper)."""
    by_name = {s(st.get("name")): st for st in statuses or []}
    w.write(0, f"{space}{label}:\n")
    for c in containers:
        st = by_name.get(s(c.get("name")))
        w.write(1, f"{' ' if space else ''}{s(c.get('name'))}:\n")
        if st is not None:
            w.line(2, "Container ID", s(st.get("containerID")))
        w.line(2, "Image", s(c.get("image")))
        if st is not None:
            w.line(2, "Image ID", s(st.get("imageID")))
        for title, key in (("Port", "containerPort"), ("Host Port", "hostPort")):
            text = _ports(c, key)
            w.line(2, title + ("s" if "," in text else ""), text or "<none>")
        seccomp = d(d(c.get("securityContext")).get("seccompProfile"))
        if seccomp:
            w.line(2, "SeccompProfile", s(seccomp.get("type")))
        for title, key in (("Command", "command"), ("Args", "args")):
            if c.get(key):
                w.line(2, title)
                for arg in c[key]:
                    for part in s(arg).split("\n"):
                        w.write(3, part + "\n")
        if st is not None:
            _state(w, "State", d(st.get("state")))
            last = d(st.get("lastState"))
            if "terminated" in last:
                _state(w, "Last State", last)
            w.line(2, "Ready", "True" if st.get("ready") is True else "False")
            w.line(2, "Restart Count", n(st.get("restartCount")))
        _resources(w, d(c.get("resources")), 2)
        for title, key in (
            ("Liveness", "livenessProbe"),
            ("Readiness", "readinessProbe"),
            ("Startup", "startupProbe"),
        ):
            if c.get(key):
                w.line(2, title, _probe(d(c[key])))
        _env(w, c, pod)
        _mounts(w, c)


_VOLUME_TYPES = {
    "emptyDir": "EmptyDir (a temporary directory that shares a pod's lifetime)",
    "hostPath": "HostPath (bare host directory volume)",
    "configMap": "ConfigMap (a volume populated by a ConfigMap)",
    "secret": "Secret (a volume populated by a Secret)",
    "persistentVolumeClaim": "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in "
    "the same namespace)",
    "projected": "Projected (a volume that contains injected data from multiple sources)",
    "downwardAPI": "DownwardAPI (a volume populated by information about the pod)",
}


def _opt(value: Any) -> str:
    return "<nil>" if value is None else str(value is True).lower()


def describe_volumes(w: Writer, volumes: list[Obj], space: str = "") -> None:
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    for v in volumes:
        w.write(1, f"{' ' if space else ''}{s(v.get('name'))}:\n")
        kind = next((k for k in _VOLUME_TYPES if k in v), None)
        if kind is None:
            w.write(1, "<unknown>\n")
            continue
        src = d(v[kind])
        w.line(2, "Type", _VOLUME_TYPES[kind])
        if kind == "emptyDir":
            w.line(2, "Medium", s(src.get("medium")))
            w.line(2, "SizeLimit", s(src.get("sizeLimit")) or "<unset>")
        elif kind == "hostPath":
            w.line(2, "Path", s(src.get("path")))
            w.line(2, "HostPathType", s(src.get("type")) or "<none>")
        elif kind == "configMap":
            w.line(2, "Name", s(src.get("name")))
            w.line(2, "Optional", str(src.get("optional") is True).lower())
        elif kind == "secret":
            w.line(2, "SecretName", s(src.get("secretName")))
            w.line(2, "Optional", str(src.get("optional") is True).lower())
        elif kind == "persistentVolumeClaim":
            w.line(2, "ClaimName", s(src.get("claimName")))
            w.line(2, "ReadOnly", str(src.get("readOnly") is True).lower())
        elif kind == "projected":
            for source in ds(src.get("sources")):
                if "secret" in source:
                    w.line(2, "SecretName", s(d(source["secret"]).get("name")))
                    w.line(2, "SecretOptionalName", _opt(d(source["secret"]).get("optional")))
                elif "downwardAPI" in source:
                    w.line(2, "DownwardAPI", "true")
                elif "configMap" in source:
                    w.line(2, "ConfigMapName", s(d(source["configMap"]).get("name")))
                    w.line(2, "ConfigMapOptional", _opt(d(source["configMap"]).get("optional")))
                elif "serviceAccountToken" in source:
                    seconds = n(d(source["serviceAccountToken"]).get("expirationSeconds"))
                    w.line(2, "TokenExpirationSeconds", seconds)
        elif kind == "downwardAPI":
            w.line(2, "Items")
            for item in ds(src.get("items")):
                path = s(d(item.get("fieldRef")).get("fieldPath")) or s(
                    d(item.get("resourceFieldRef")).get("resource")
                )
                w.write(3, f"{path} -> {s(item.get('path'))}\n")


def qos_class(pod: Obj) -> str:
    """status.qosClass, or the class the API server computes from requests and limits."""
    return s(d(pod.get("status")).get("qosClass")) or quantity.qos_class(d(pod.get("spec")))


def describe_pod_template(w: Writer, template: Obj) -> None:
    """DescribePodTemplate: the template's labels, containers and scheduling, one level in."""
    w.write(0, "Pod Template:\n")
    meta, spec = d(template.get("metadata")), d(template.get("spec"))
    labels_multiline(w, "  Labels", meta.get("labels"))
    if d(meta.get("annotations")):
        annotations_multiline(w, "  Annotations", meta.get("annotations"))
    if s(spec.get("serviceAccountName")):
        w.line(1, "Service Account", s(spec["serviceAccountName"]))
    if ds(spec.get("initContainers")):
        describe_containers(w, "Init Containers", ds(spec["initContainers"]), None, None, "  ")
    describe_containers(w, "Containers", ds(spec.get("containers")), None, None, "  ")
    describe_volumes(w, ds(spec.get("volumes")), "  ")
    if s(spec.get("priorityClassName")):
        w.line(1, "Priority Class Name", s(spec["priorityClassName"]))
    labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    tolerations_multiline(w, "  Tolerations", spec.get("tolerations"))


def describe_pod(pod: Obj, events: list[Obj], now: float) -> str:
    w = Writer()
    meta, spec, status = d(pod.get("metadata")), d(pod.get("spec")), d(pod.get("status"))
    w.line(0, "Name", s(meta.get("name")))
    w.line(0, "Namespace", s(meta.get("namespace")))
    if spec.get("priority") is not None:
        w.line(0, "Priority", n(spec["priority"]))
    if s(spec.get("priorityClassName")):
        w.line(0, "Priority Class Name", s(spec["priorityClassName"]))
    if s(spec.get("runtimeClassName")):
        w.line(0, "Runtime Class Name", s(spec["runtimeClassName"]))
    if s(spec.get("serviceAccountName")):
        w.line(0, "Service Account", s(spec["serviceAccountName"]))
    node = s(spec.get("nodeName"))
    w.line(0, "Node", f"{node}/{s(status.get('hostIP'))}" if node else "<none>")
    if status.get("startTime"):
        w.line(0, "Start Time", rfc1123z(status["startTime"]))
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    phase = s(status.get("phase"))
    if meta.get("deletionTimestamp") and phase not in ("Succeeded", "Failed"):
        from kdebug_tui.kube.podfields import format_age, parse_time

        until = (parse_time(meta["deletionTimestamp"]) or now) - now
        w.line(0, "Status", f"Terminating (lasts {format_age(until)})")
        w.line(0, "Termination Grace Period", f"{n(meta.get('deletionGracePeriodSeconds'))}s")
    else:
        w.line(0, "Status", phase)
    for key in ("reason", "message"):
        if s(status.get(key)):
            w.line(0, key.capitalize(), s(status[key]))
    seccomp = d(d(spec.get("securityContext")).get("seccompProfile"))
    if seccomp:
        w.line(0, "SeccompProfile", s(seccomp.get("type")))
    w.line(0, "IP", s(status.get("podIP")))
    ips = [s(ip.get("ip")) for ip in ds(status.get("podIPs"))]
    if ips:
        w.line(0, "IPs")
        for ip in ips:
            w.line(1, "IP", ip)
    else:
        w.line(0, "IPs", "<none>")
    controlled_by(w, meta)
    if s(status.get("nominatedNodeName")):
        w.line(0, "NominatedNodeName", s(status["nominatedNodeName"]))
    for label, key, status_key in (
        ("Init Containers", "initContainers", "initContainerStatuses"),
        ("Containers", "containers", "containerStatuses"),
        ("Ephemeral Containers", "ephemeralContainers", "ephemeralContainerStatuses"),
    ):
        if ds(spec.get(key)) or key == "containers":
            describe_containers(w, label, ds(spec.get(key)), ds(status.get(status_key)), pod)
    gates = ds(spec.get("readinessGates"))
    conditions = ds(status.get("conditions"))
    if gates:
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        for g in gates:
            found = next((c for c in conditions if c.get("type") == g.get("conditionType")), None)
            w.write(
                1, f"{s(g.get('conditionType'))} \t{s((found or {}).get('status')) or '<none>'} \n"
            )
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in conditions:
            w.write(1, f"{s(c.get('type'))} \t{s(c.get('status'))} \n")
    describe_volumes(w, ds(spec.get("volumes")))
    w.line(0, "QoS Class", qos_class(pod))
    labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    tolerations_multiline(w, "Tolerations", spec.get("tolerations"))
    events_section(w, events, now)
    return w.text()
