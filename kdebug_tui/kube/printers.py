"""Pure cell renderers for the kinds beyond pods, as `kubectl get` prints them.

kubectl itself has no printers for these kinds any more: the API server prints them into a
meta.k8s.io Table (pkg/printers/internalversion/printers.go) and kubectl lays the cells out.
The functions here follow those printers column for column (wide columns included, last),
so one row renderer serves the app's lists and the sandbox's server-side Tables alike.
Every read goes through podfields, so no object shape makes them raise.
"""

from __future__ import annotations

from typing import Any

from kdebug_tui.kube.podfields import d, ds, format_age, n, parse_time, s, since
from kdebug_tui.kube.render import pod_row

Obj = dict[str, Any]
Cells = list[Any]


def format_labels(labels: Any) -> str:
    """apimachinery's labels.FormatLabels: sorted `k=v` pairs, `<none>` when empty."""
    pairs = d(labels)
    if not pairs:
        return "<none>"
    return ",".join(f"{k}={s(pairs[k])}" for k in sorted(pairs))


def format_label_selector(selector: Any) -> str:
    """metav1.FormatLabelSelector: requirements sorted by key, `<none>` when empty."""
    sel = d(selector)
    reqs: list[tuple[str, str]] = [(k, f"{k}={s(v)}") for k, v in d(sel.get("matchLabels")).items()]
    for expr in ds(sel.get("matchExpressions")):
        key, op = s(expr.get("key")), s(expr.get("operator"))
        values = ",".join(sorted(s(v) for v in expr.get("values") or []))
        text = {
            "In": f"{key} in ({values})",
            "NotIn": f"{key} notin ({values})",
            "Exists": key,
            "DoesNotExist": f"!{key}",
        }.get(op, f"{key} {op.lower()} ({values})")
        reqs.append((key, text))
    reqs.sort(key=lambda r: r[0])
    return ",".join(text for _, text in reqs) or "<none>"


def container_cells(template: Any) -> tuple[str, str]:
    """layoutContainerCells: container names and images of a pod template, comma-joined."""
    containers = ds(d(d(template).get("spec")).get("containers"))
    return (
        ",".join(s(c.get("name")) for c in containers),
        ",".join(s(c.get("image")) for c in containers),
    )


def _meta(obj: Obj) -> Obj:
    return d(d(obj).get("metadata"))


def _age(obj: Obj, now: float) -> str:
    return since(_meta(obj).get("creationTimestamp"), now)


def _replicated(obj: Obj) -> tuple[Obj, Obj, int, str, str]:
    """What the replicated kinds' printers share: spec, status, desired replicas (the API
    server's default of 1 when spec.replicas is absent) and the template's container cells."""
    spec, status = d(obj.get("spec")), d(obj.get("status"))
    desired = n(spec.get("replicas")) if "replicas" in spec else 1
    names, images = container_cells(spec.get("template"))
    return spec, status, desired, names, images


def deployment_cells(obj: Obj, now: float) -> Cells:
    spec, status, desired, names, images = _replicated(obj)
    return [
        s(_meta(obj).get("name")),
        f"{n(status.get('readyReplicas'))}/{desired}",
        n(status.get("updatedReplicas")),
        n(status.get("availableReplicas")),
        _age(obj, now),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


def replicaset_cells(obj: Obj, now: float) -> Cells:
    spec, status, desired, names, images = _replicated(obj)
    return [
        s(_meta(obj).get("name")),
        desired,
        n(status.get("replicas")),
        n(status.get("readyReplicas")),
        _age(obj, now),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


def statefulset_cells(obj: Obj, now: float) -> Cells:
    _spec, status, desired, names, images = _replicated(obj)
    return [
        s(_meta(obj).get("name")),
        f"{n(status.get('readyReplicas'))}/{desired}",
        _age(obj, now),
        names,
        images,
    ]


def daemonset_cells(obj: Obj, now: float) -> Cells:
    spec, status = d(obj.get("spec")), d(obj.get("status"))
    template = d(spec.get("template"))
    names, images = container_cells(template)
    return [
        s(_meta(obj).get("name")),
        n(status.get("desiredNumberScheduled")),
        n(status.get("currentNumberScheduled")),
        n(status.get("numberReady")),
        n(status.get("updatedNumberScheduled")),
        n(status.get("numberAvailable")),
        format_labels(d(template.get("spec")).get("nodeSelector")),
        _age(obj, now),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


def _has_condition(status: Obj, type_: str) -> bool:
    return any(
        c.get("type") == type_ and c.get("status") == "True" for c in ds(status.get("conditions"))
    )


def job_status(obj: Obj) -> str:
    """printJob's STATUS: the first of Complete, Failed, Terminating, Suspended,
    FailureTarget that holds, else Running."""
    status = d(obj.get("status"))
    if _has_condition(status, "Complete"):
        return "Complete"
    if _has_condition(status, "Failed"):
        return "Failed"
    if _meta(obj).get("deletionTimestamp"):
        return "Terminating"
    if _has_condition(status, "Suspended"):
        return "Suspended"
    if _has_condition(status, "FailureTarget"):
        return "FailureTarget"
    return "Running"


def job_cells(obj: Obj, now: float) -> Cells:
    spec, status = d(obj.get("spec")), d(obj.get("status"))
    succeeded = n(status.get("succeeded"))
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{n(spec.get('completions'))}"
    elif n(spec.get("parallelism")) > 1:
        completions = f"{succeeded}/1 of {n(spec.get('parallelism'))}"
    else:
        completions = f"{succeeded}/1"
    start = parse_time(status.get("startTime"))
    end = parse_time(status.get("completionTime"))
    took = "" if start is None else format_age((end if end is not None else now) - start)
    names, images = container_cells(spec.get("template"))
    return [
        s(_meta(obj).get("name")),
        job_status(obj),
        completions,
        took,
        _age(obj, now),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


def cronjob_cells(obj: Obj, now: float) -> Cells:
    spec, status = d(obj.get("spec")), d(obj.get("status"))
    job_spec = d(d(spec.get("jobTemplate")).get("spec"))
    last = status.get("lastScheduleTime")
    suspend = spec.get("suspend")
    names, images = container_cells(job_spec.get("template"))
    return [
        s(_meta(obj).get("name")),
        s(spec.get("schedule")),
        s(spec.get("timeZone")) or "<none>",
        "<unset>" if not isinstance(suspend, bool) else str(suspend),
        len(ds(status.get("active"))),
        since(last, now) if last else "<none>",
        _age(obj, now),
        names,
        images,
        format_label_selector(job_spec.get("selector")),
    ]


def service_external_ip(obj: Obj) -> str:
    spec = d(obj.get("spec"))
    external = [s(ip) for ip in spec.get("externalIPs") or []]
    kind = s(spec.get("type")) or "ClusterIP"
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) or "<none>"
    if kind == "LoadBalancer":
        ingress = ds(d(d(obj.get("status")).get("loadBalancer")).get("ingress"))
        lb = sorted({s(i.get("ip")) or s(i.get("hostname")) for i in ingress} - {""})
        return ",".join(lb + external) or "<pending>"
    if kind == "ExternalName":
        return s(spec.get("externalName"))
    return "<unknown>"


def service_ports(obj: Obj) -> str:
    pieces = []
    for p in ds(d(obj.get("spec")).get("ports")):
        proto = s(p.get("protocol")) or "TCP"
        node = n(p.get("nodePort"))
        port = n(p.get("port"))
        pieces.append(f"{port}:{node}/{proto}" if node > 0 else f"{port}/{proto}")
    return ",".join(pieces) or "<none>"


def service_cells(obj: Obj, now: float) -> Cells:
    spec = d(obj.get("spec"))
    ips = [s(ip) for ip in spec.get("clusterIPs") or []]
    return [
        s(_meta(obj).get("name")),
        s(spec.get("type")),
        ips[0] if ips else "<none>",
        service_external_ip(obj),
        service_ports(obj),
        _age(obj, now),
        format_labels(spec.get("selector")),
    ]


def format_endpoints(obj: Obj, limit: int = 3) -> str:
    """formatEndpoints: up to three ip:port pairs, then `+ N more...`."""
    shown: list[str] = []
    count = 0
    for subset in ds(d(obj).get("subsets")):
        addresses = [s(a.get("ip")) for a in ds(subset.get("addresses"))]
        ports = ds(subset.get("ports"))
        pairs = (
            addresses
            if not ports
            else [
                f"[{ip}]:{n(p.get('port'))}" if ":" in ip else f"{ip}:{n(p.get('port'))}"
                for p in ports
                for ip in addresses
            ]
        )
        count += len(pairs)
        shown.extend(pairs[: max(0, limit - len(shown))])
    if not d(obj).get("subsets"):
        return "<none>"
    text = ",".join(shown)
    return f"{text} + {count - limit} more..." if count > limit else text


def _more(shown: list[str], count: int, limit: int = 3) -> str:
    text = ",".join(shown[:limit])
    if count > limit:
        return f"{text} + {count - limit} more..."
    return text or "<unset>"


def endpointslice_cells(obj: Obj, now: float) -> Cells:
    """printEndpointSlice: address type, up to three ports and addresses (`<unset>` if none)."""
    ports = ds(obj.get("ports"))
    port_texts = [
        str(n(p.get("port"))) if p.get("port") is not None else (s(p.get("name")) or "*")
        for p in ports
    ]
    addresses = [s(a) for e in ds(obj.get("endpoints")) for a in e.get("addresses") or []]
    return [
        s(_meta(obj).get("name")),
        s(obj.get("addressType")),
        _more(port_texts, len(port_texts)),
        _more(addresses, len(addresses)),
        _age(obj, now),
    ]


def endpoints_cells(obj: Obj, now: float) -> Cells:
    return [s(_meta(obj).get("name")), format_endpoints(obj), _age(obj, now)]


def pod_cells(obj: Obj, now: float) -> Cells:
    row = pod_row(obj, now)
    spec, status = d(obj.get("spec")), d(obj.get("status"))
    gates = ds(spec.get("readinessGates"))
    gates_text = "<none>"
    if gates:
        true = {c.get("type") for c in ds(status.get("conditions")) if c.get("status") == "True"}
        gates_text = f"{sum(1 for g in gates if g.get('conditionType') in true)}/{len(gates)}"
    nominated = s(status.get("nominatedNodeName")) or "<none>"
    return [
        row.name,
        row.ready,
        row.status,
        row.restarts,
        row.age,
        row.ip,
        row.node,
        nominated,
        gates_text,
    ]


def node_cells(obj: Obj, now: float) -> Cells:
    status = d(obj.get("status"))
    ready = next((c for c in ds(status.get("conditions")) if c.get("type") == "Ready"), None)
    state = (
        "Unknown" if ready is None else ("Ready" if ready.get("status") == "True" else "NotReady")
    )
    if d(obj.get("spec")).get("unschedulable") is True:
        state += ",SchedulingDisabled"
    labels = d(_meta(obj).get("labels"))
    roles = sorted(k.split("/", 1)[1] for k in labels if k.startswith("node-role.kubernetes.io/"))
    if "kubernetes.io/role" in labels:
        roles = sorted({*roles, s(labels["kubernetes.io/role"])})
    addresses = ds(status.get("addresses"))
    internal = next((s(a.get("address")) for a in addresses if a.get("type") == "InternalIP"), "")
    external = next((s(a.get("address")) for a in addresses if a.get("type") == "ExternalIP"), "")
    info = d(status.get("nodeInfo"))
    return [
        s(_meta(obj).get("name")),
        state,
        ",".join(r for r in roles if r) or "<none>",
        _age(obj, now),
        s(info.get("kubeletVersion")),
        internal or "<none>",
        external or "<none>",
        s(info.get("osImage")) or "<unknown>",
        s(info.get("kernelVersion")) or "<unknown>",
        s(info.get("containerRuntimeVersion")) or "<unknown>",
    ]


def namespace_cells(obj: Obj, now: float) -> Cells:
    return [s(_meta(obj).get("name")), s(d(obj.get("status")).get("phase")), _age(obj, now)]


def event_cells(obj: Obj, now: float) -> Cells:
    """printEvent: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (+ wide: SUBOBJECT, SOURCE,
    FIRST SEEN, COUNT, NAME), in the server's column order."""
    involved = d(obj.get("involvedObject"))
    source = d(obj.get("source"))
    component = s(source.get("component")) or s(obj.get("reportingController"))
    host = s(source.get("host")) or s(obj.get("reportingInstance"))
    src = f"{component}, {host}" if host else component
    first = since(obj.get("firstTimestamp") or obj.get("eventTime"), now)
    last = since(obj.get("lastTimestamp"), now) if obj.get("lastTimestamp") else first
    count = n(obj.get("count")) or 1
    series = d(obj.get("series"))
    if series:
        last, count = since(series.get("lastObservedTime"), now), n(series.get("count"))
    name = s(involved.get("name"))
    kind = s(involved.get("kind")).lower()
    return [
        last,
        s(obj.get("type")),
        s(obj.get("reason")),
        f"{kind}/{name}" if name else kind,
        s(involved.get("fieldPath")),
        src,
        s(obj.get("message")).strip(),
        first,
        count,
        s(_meta(obj).get("name")),
    ]
