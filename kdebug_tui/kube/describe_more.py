"""`kubectl describe` for Services, Endpoints and Nodes (pure functions)."""

from __future__ import annotations

from typing import Any

from kdebug_tui.kube import quantity
from kdebug_tui.kube.describe_text import (
    Writer,
    annotations_multiline,
    events_section,
    labels_multiline,
    rfc1123z,
    toleration_text,
)
from kdebug_tui.kube.podfields import d, ds, n, s, since
from kdebug_tui.kube.printers import format_labels

Obj = dict[str, Any]


def slice_endpoints(slices: list[Obj], port_name: str, limit: int = 3) -> str:
    """formatEndpointSlices for one Service port: up to three ip:port, then `+ N more...`."""
    if not slices:
        return "<none>"
    shown: list[str] = []
    count = 0
    for sl in slices:
        for port in ds(sl.get("ports")):
            if s(port.get("name")) != port_name:
                continue
            for ep in ds(sl.get("endpoints")):
                for address in ep.get("addresses") or []:
                    count += 1
                    if len(shown) < limit:
                        shown.append(f"{s(address)}:{n(port.get('port'))}")
    text = ",".join(shown)
    if count > limit:
        return f"{text} + {count - limit} more..."
    return text or "<none>"


def describe_service(svc: Obj, slices: list[Obj], events: list[Obj], now: float) -> str:
    w = Writer()
    meta, spec = d(svc.get("metadata")), d(svc.get("spec"))
    w.line(0, "Name", s(meta.get("name")))
    w.line(0, "Namespace", s(meta.get("namespace")))
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.line(0, "Selector", format_labels(spec.get("selector")))
    w.line(0, "Type", s(spec.get("type")))
    if s(spec.get("ipFamilyPolicy")):
        w.line(0, "IP Family Policy", s(spec["ipFamilyPolicy"]))
    if spec.get("ipFamilies"):
        w.line(0, "IP Families", ",".join(s(f) for f in spec["ipFamilies"]))
    w.line(0, "IP", s(spec.get("clusterIP")))
    if spec.get("clusterIPs"):
        w.line(0, "IPs", ",".join(s(ip) for ip in spec["clusterIPs"]))
    if spec.get("externalIPs"):
        w.line(0, "External IPs", ",".join(s(ip) for ip in spec["externalIPs"]))
    if s(spec.get("loadBalancerIP")):
        w.line(0, "IP", s(spec["loadBalancerIP"]))
    if s(spec.get("type")) == "ExternalName":
        w.line(0, "External Name", s(spec.get("externalName")))
    ingress = ds(d(d(svc.get("status")).get("loadBalancer")).get("ingress"))
    if ingress:
        shown = ", ".join(s(i.get("ip")) or s(i.get("hostname")) for i in ingress)
        w.line(0, "LoadBalancer Ingress", shown)
    for port in ds(spec.get("ports")):
        name = s(port.get("name"))
        proto = s(port.get("protocol")) or "TCP"
        w.write(0, f"Port:\t{name or '<unset>'}\t{n(port.get('port'))}/{proto}\n")
        target = port.get("targetPort")
        if isinstance(target, str) and not target.isdigit():
            w.line(0, "TargetPort", f"{target}/{proto}")
        else:
            w.line(0, "TargetPort", f"{n(target)}/{proto}")
        if n(port.get("nodePort")):
            w.write(0, f"NodePort:\t{name or '<unset>'}\t{n(port['nodePort'])}/{proto}\n")
        w.line(0, "Endpoints", slice_endpoints(slices, name))
    w.line(0, "Session Affinity", s(spec.get("sessionAffinity")))
    if s(spec.get("externalTrafficPolicy")):
        w.line(0, "External Traffic Policy", s(spec["externalTrafficPolicy"]))
    if n(spec.get("healthCheckNodePort")):
        w.line(0, "HealthCheck NodePort", n(spec["healthCheckNodePort"]))
    if s(spec.get("internalTrafficPolicy")):
        w.line(0, "Internal Traffic Policy", s(spec["internalTrafficPolicy"]))
    events_section(w, events, now)
    return w.text()


def describe_endpoints(ep: Obj, events: list[Obj], now: float) -> str:
    w = Writer()
    meta = d(ep.get("metadata"))
    w.line(0, "Name", s(meta.get("name")))
    w.line(0, "Namespace", s(meta.get("namespace")))
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.line(0, "Subsets")
    for subset in ds(ep.get("subsets")):
        for title, key in (("Addresses", "addresses"), ("NotReadyAddresses", "notReadyAddresses")):
            ips = ",".join(s(a.get("ip")) for a in ds(subset.get(key)))
            w.line(1, title, ips or "<none>")
        ports = ds(subset.get("ports"))
        if ports:
            w.line(1, "Ports")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for p in ports:
                w.write(
                    2,
                    f"{s(p.get('name')) or '<unset>'}\t{n(p.get('port'))}\t"
                    f"{s(p.get('protocol'))}\n",
                )
        w.write(0, "\n")
    events_section(w, events, now)
    return w.text()


_SYSTEM_INFO = (
    ("Machine ID", "machineID"),
    ("System UUID", "systemUUID"),
    ("Boot ID", "bootID"),
    ("Kernel Version", "kernelVersion"),
    ("OS Image", "osImage"),
    ("Operating System", "operatingSystem"),
    ("Architecture", "architecture"),
    ("Container Runtime Version", "containerRuntimeVersion"),
    ("Kubelet Version", "kubeletVersion"),
    ("Kube-Proxy Version", "kubeProxyVersion"),
)


def _pod_totals(pod: Obj) -> dict[str, tuple[int, int]]:
    """(requests, limits) per resource of one pod: the sum of its containers, or its largest
    init container when that is more (the scheduler's rule); cpu in millicores."""
    spec = d(pod.get("spec"))
    totals: dict[str, list[int]] = {}

    def amount(name: str, text: Any) -> int:
        return quantity.millis(text) if name == "cpu" else quantity.value(text)

    for c in ds(spec.get("containers")):
        res = d(c.get("resources"))
        for i, key in enumerate(("requests", "limits")):
            for name, text in d(res.get(key)).items():
                totals.setdefault(name, [0, 0])[i] += amount(name, text)
    for c in ds(spec.get("initContainers")):
        res = d(c.get("resources"))
        for i, key in enumerate(("requests", "limits")):
            for name, text in d(res.get(key)).items():
                pair = totals.setdefault(name, [0, 0])
                pair[i] = max(pair[i], amount(name, text))
    return {k: (v[0], v[1]) for k, v in totals.items()}


def _fmt(name: str, amount: int) -> str:
    return quantity.format_cpu(amount) if name == "cpu" else quantity.format_bytes(amount)


def describe_node(
    node: Obj, pods: list[Obj], events: list[Obj], now: float, lease: Obj | str | None = None
) -> str:
    """`pods`: the pods on the node (terminated ones are left out, as kubectl does);
    `lease`: its Lease in kube-node-lease, or why it could not be read (None: no section)."""
    w = Writer()
    meta, spec, status = d(node.get("metadata")), d(node.get("spec")), d(node.get("status"))
    labels = d(meta.get("labels"))
    roles = sorted(k.split("/", 1)[1] for k in labels if k.startswith("node-role.kubernetes.io/"))
    w.line(0, "Name", s(meta.get("name")))
    w.line(0, "Roles", ",".join(r for r in roles if r) or "<none>")
    labels_multiline(w, "Labels", labels)
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.line(0, "CreationTimestamp", rfc1123z(meta.get("creationTimestamp")))
    taints = ds(spec.get("taints"))
    if not taints:
        w.line(0, "Taints", "<none>")
    for i, t in enumerate(taints):
        w.write(0, f"Taints:\t{toleration_text(t)}\n" if i == 0 else f"\t{toleration_text(t)}\n")
    w.line(0, "Unschedulable", str(spec.get("unschedulable") is True).lower())
    if isinstance(lease, str):
        w.line(0, "Lease", f"Failed to get lease: {lease}")
    elif isinstance(lease, dict):
        lspec = d(lease.get("spec"))
        w.line(0, "Lease")
        w.line(1, "HolderIdentity", s(lspec.get("holderIdentity")) or "<unset>")
        for title, key in (("AcquireTime", "acquireTime"), ("RenewTime", "renewTime")):
            w.line(1, title, rfc1123z(lspec[key]) if lspec.get(key) else "<unset>")
    conditions = ds(status.get("conditions"))
    if conditions:
        w.write(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        )
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(
                1,
                f"{s(c.get('type'))} \t{s(c.get('status'))} \t"
                f"{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                f"{rfc1123z(c.get('lastTransitionTime'))} \t{s(c.get('reason'))} \t"
                f"{s(c.get('message'))}\n",
            )
    w.line(0, "Addresses")
    for a in ds(status.get("addresses")):
        w.line(1, s(a.get("type")), s(a.get("address")))
    allocatable = d(status.get("allocatable"))
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        values = d(status.get(key))
        if values:
            w.line(0, title)
            for name in sorted(values):
                w.line(1, name, s(values[name]))
    info = d(status.get("nodeInfo"))
    w.line(0, "System Info")
    for title, key in _SYSTEM_INFO:
        w.line(1, title, s(info.get(key)))
    if s(spec.get("podCIDR")):
        w.line(0, "PodCIDR", s(spec["podCIDR"]))
        w.line(0, "PodCIDRs", ",".join(s(c) for c in spec.get("podCIDRs") or []))
    if s(spec.get("providerID")):
        w.line(0, "ProviderID", s(spec["providerID"]))
    running = [p for p in pods if s(d(p.get("status")).get("phase")) not in ("Succeeded", "Failed")]
    running.sort(
        key=lambda p: (
            s(d(p.get("metadata")).get("namespace")),
            s(d(p.get("metadata")).get("name")),
        )
    )
    w.line(0, "Non-terminated Pods", f"({len(running)} in total)")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    cpu_all = quantity.millis(allocatable.get("cpu"))
    mem_all = quantity.value(allocatable.get("memory"))
    sums: dict[str, list[int]] = {}
    for pod in running:
        totals = _pod_totals(pod)
        for name, (req, lim) in totals.items():
            pair = sums.setdefault(name, [0, 0])
            pair[0] += req
            pair[1] += lim
        cpu, mem = totals.get("cpu", (0, 0)), totals.get("memory", (0, 0))
        pmeta = d(pod.get("metadata"))
        w.write(
            1,
            f"{s(pmeta.get('namespace'))}\t{s(pmeta.get('name'))}\t\t"
            f"{_fmt('cpu', cpu[0])} ({quantity.percent(cpu[0], cpu_all)}%)\t"
            f"{_fmt('cpu', cpu[1])} ({quantity.percent(cpu[1], cpu_all)}%)\t"
            f"{_fmt('memory', mem[0])} ({quantity.percent(mem[0], mem_all)}%)\t"
            f"{_fmt('memory', mem[1])} ({quantity.percent(mem[1], mem_all)}%)\t"
            f"{since(pmeta.get('creationTimestamp'), now)}\n",
        )
    w.line(0, "Allocated resources")
    w.write(1, "(Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    names = ["cpu", "memory", "ephemeral-storage"]
    names += sorted(k for k in allocatable if k.startswith("hugepages-"))
    names += sorted(k for k in sums if k not in names)
    for name in names:
        req, lim = sums.get(name, [0, 0])
        whole = (
            quantity.millis(allocatable.get(name))
            if name == "cpu"
            else quantity.value(allocatable.get(name))
        )
        w.write(
            1,
            f"{name}\t{_fmt(name, req)} ({quantity.percent(req, whole)}%)\t"
            f"{_fmt(name, lim)} ({quantity.percent(lim, whole)}%)\n",
        )
    events_section(w, events, now)
    return w.text()
