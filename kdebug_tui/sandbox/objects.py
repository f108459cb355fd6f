"""The API of the workload kinds, Services and Endpoints: defaults, checks and REST verbs.

What the API server does before the controllers see an object: defaulting (replicas 1, a
Job's generated selector, a Service's cluster IP...), the checks users meet most (a selector
that does not match the template's labels), generation bumps on spec changes. The
controllers (controllers.py, jobs.py, services.py) then act on what is stored.
"""

from __future__ import annotations

import copy
import ipaddress
import itertools
from typing import TYPE_CHECKING, Any

from kdebug_tui.sandbox import kinds
from kdebug_tui.sandbox.defaults import default_pod
from kdebug_tui.sandbox.errors import bad_request, conflict, invalid

if TYPE_CHECKING:
    from kdebug_tui.sandbox.cluster import Cluster

Obj = dict[str, Any]
TEMPLATED = ("deployments", "replicasets", "statefulsets", "daemonsets", "jobs")
_cluster_ips = itertools.count(10)
_node_ports = itertools.count(30080)


def _kind(resource: str) -> str:
    return kinds.EXTRA[resource][0]


def selector_matches(selector: Obj | None, labels: dict[str, str]) -> bool:
    """Whether a LabelSelector object selects `labels` (an empty selector selects all)."""
    sel = selector or {}
    for key, value in (sel.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in sel.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


# Set on pods by admission plugins (ServiceAccount, Priority, DefaultTolerationSeconds)
# and SetDefaults_Pod, not by the defaulting of a template's PodSpec.
POD_ONLY = (
    "serviceAccountName",
    "serviceAccount",
    "priority",
    "preemptionPolicy",
    "enableServiceLinks",
    "tolerations",
)


def _template_spec(template: Obj, namespace: str) -> None:
    """Default a pod template's spec as the API server defaults a PodSpec: the pod defaults
    (one defaulting path) minus what only admission adds to pods."""
    given = template.get("spec") or {}
    probe = {"metadata": {"name": "template"}, "spec": given}
    kept = {key: given[key] for key in POD_ONLY if key in given}
    default_pod(probe, namespace)
    spec = probe["spec"]
    for key in POD_ONLY:
        spec.pop(key, None)
    spec.update(kept)
    for c in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]:
        for port in c.get("ports") or []:
            port.setdefault("protocol", "TCP")
        for env in c.get("env") or []:
            ref = (env.get("valueFrom") or {}).get("fieldRef")
            if isinstance(ref, dict):
                ref.setdefault("apiVersion", "v1")
    template["spec"] = spec
    template.setdefault("metadata", {})


def _check_template(obj: Obj, template_path: str, template: Obj, selector: Obj | None) -> None:
    name = obj["metadata"]["name"]
    kind = obj["kind"]
    if not (template.get("spec") or {}).get("containers"):
        raise invalid(
            kind,
            name,
            [
                {
                    "reason": "FieldValueRequired",
                    "message": "Required value",
                    "field": f"{template_path}.spec.containers",
                }
            ],
        )
    if selector is None:
        raise invalid(
            kind,
            name,
            [
                {
                    "reason": "FieldValueRequired",
                    "message": "Required value",
                    "field": "spec.selector",
                }
            ],
        )
    labels = (template.get("metadata") or {}).get("labels") or {}
    if not selector_matches(selector, labels):
        shown = ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
        raise invalid(
            kind,
            name,
            [
                {
                    "reason": "FieldValueInvalid",
                    "message": f"Invalid value: map[string]string{{{shown}}}: `selector` does not "
                    "match template `labels`",
                    "field": f"{template_path}.metadata.labels",
                }
            ],
        )


def apply_defaults(resource: str, obj: Obj, namespace: str) -> None:
    """The API server's defaulting of a new object of an extra kind (in place)."""
    kind = kinds.EXTRA[resource][0]
    obj["kind"], obj["apiVersion"] = kind, kinds.api_version(resource)
    meta = obj.setdefault("metadata", {})
    meta["namespace"] = namespace
    if resource in ("endpoints", "endpointslices"):
        return  # no spec, no status: data written by their controller (or a user)
    meta.setdefault("generation", 1)
    spec = obj.setdefault("spec", {})
    if resource in ("deployments", "replicasets", "statefulsets"):
        spec.setdefault("replicas", 1)
    if resource == "deployments":
        spec.setdefault(
            "strategy",
            {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
            },
        )
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
    if resource == "statefulsets":
        spec.setdefault("podManagementPolicy", "OrderedReady")
        spec.setdefault(
            "updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
        )
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault(
            "persistentVolumeClaimRetentionPolicy",
            {"whenDeleted": "Retain", "whenScaled": "Retain"},
        )
    if resource == "daemonsets":
        spec.setdefault(
            "updateStrategy",
            {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
        )
        spec.setdefault("revisionHistoryLimit", 10)
    if resource == "jobs":
        _job_defaults(obj)
    if resource == "cronjobs":
        spec.setdefault("concurrencyPolicy", "Allow")
        spec.setdefault("suspend", False)
        spec.setdefault("successfulJobsHistoryLimit", 3)
        spec.setdefault("failedJobsHistoryLimit", 1)
        job_template = spec.setdefault("jobTemplate", {})
        job_template.setdefault("metadata", {})
        job_spec = job_template.setdefault("spec", {})
        _template_spec(job_spec.setdefault("template", {}), namespace)
    if resource in TEMPLATED:
        _template_spec(spec.setdefault("template", {}), namespace)
        _check_template(obj, "spec.template", spec["template"], spec.get("selector"))
    if resource == "services":
        _service_defaults(obj)
    if resource not in ("endpoints", "endpointslices"):
        obj.setdefault("status", {})


def _job_defaults(job: Obj) -> None:
    """A Job gets a selector on its own uid (batch.kubernetes.io/controller-uid) and those
    labels on its pod template, as the API server generates them."""
    meta, spec = job["metadata"], job["spec"]
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"], spec["parallelism"] = 1, 1
    spec.setdefault("parallelism", 1)
    spec.setdefault("backoffLimit", 6)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    spec.setdefault("podReplacementPolicy", "TerminatingOrFailed")
    uid = meta.setdefault("uid", _new_uid())
    template = spec.setdefault("template", {})
    labels = template.setdefault("metadata", {}).setdefault("labels", {})
    generated = {
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": meta["name"],
        "controller-uid": uid,
        "job-name": meta["name"],
    }
    labels.update(generated)
    job.setdefault("metadata", {}).setdefault("labels", {}).update(
        {k: v for k, v in generated.items() if k.endswith("job-name") or k.endswith("uid")}
    )
    if not spec.get("selector"):
        spec["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    policy = (template.get("spec") or {}).get("restartPolicy")
    if policy not in ("Never", "OnFailure"):
        raise invalid(
            "Job",
            meta["name"],
            [
                {
                    "reason": "FieldValueNotSupported",
                    "message": f'Unsupported value: "{policy or "Always"}": supported values: '
                    '"OnFailure", "Never"',
                    "field": "spec.template.spec.restartPolicy",
                }
            ],
        )


def _new_uid() -> str:
    import uuid

    return str(uuid.uuid4())


def _service_defaults(svc: Obj) -> None:
    spec = svc["spec"]
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec["type"] != "ExternalName":
        spec.setdefault("internalTrafficPolicy", "Cluster")
        if spec.get("clusterIP") != "None":
            spec.setdefault(
                "clusterIP", str(ipaddress.ip_address("10.96.0.0") + next(_cluster_ips))
            )
        spec["clusterIPs"] = [spec["clusterIP"]]
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
    for port in spec.get("ports") or []:
        port.setdefault("protocol", "TCP")
        port.setdefault("targetPort", port.get("port"))
        if spec["type"] in ("NodePort", "LoadBalancer"):
            port.setdefault("nodePort", next(_node_ports))
    svc.setdefault("status", {}).setdefault("loadBalancer", {})


def create(cluster: Cluster, resource: str, namespace: str, body: Any, *, dry_run: bool) -> Obj:
    if not isinstance(body, dict):
        raise bad_request(f"the body of the request must be a {_kind(resource)} object")
    obj = copy.deepcopy(body)
    meta = obj.setdefault("metadata", {})
    for key in ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "selfLink"):
        meta.pop(key, None)
    if not meta.get("name") and meta.get("generateName"):
        from kdebug_tui.sandbox.defaults import random_suffix

        meta["name"] = meta["generateName"] + random_suffix()
    if not meta.get("name"):
        raise invalid(
            _kind(resource),
            "",
            [
                {
                    "reason": "FieldValueRequired",
                    "message": "Required value: name or generateName is required",
                    "field": "metadata.name",
                }
            ],
        )
    if body.get("kind") not in (None, _kind(resource)):
        raise bad_request(
            f"the API version in the data ({body.get('apiVersion')}) does not match the "
            f"expected kind {_kind(resource)}: got {body.get('kind')}"
        )
    obj.pop("status", None)
    apply_defaults(resource, obj, namespace)
    if dry_run:
        return obj
    return copy.deepcopy(cluster.create(resource, obj))


def update(cluster: Cluster, resource: str, current: Obj, new: Obj) -> Obj:
    """Store `new` (a PUT body or the patched object): metadata.generation moves when the spec
    changes; status and identity stay the server's."""
    if not isinstance(new, dict):
        raise bad_request(f"the body of the request must be a {_kind(resource)} object")
    meta = current["metadata"]
    rv = (new.get("metadata") or {}).get("resourceVersion")
    if rv and rv != meta["resourceVersion"]:
        raise conflict(
            resource,
            meta["name"],
            "the object has been modified; please apply your "
            "changes to the latest version and try again",
        )
    candidate = copy.deepcopy(current)
    new_meta = new.get("metadata") or {}
    for key in ("labels", "annotations"):
        if key in new_meta:
            candidate["metadata"][key] = copy.deepcopy(new_meta[key]) or {}
    spec = copy.deepcopy(new.get("spec") or {})
    if resource == "services":
        for key in ("clusterIP", "clusterIPs"):
            if key in current["spec"]:
                spec[key] = current["spec"][key]
    probe = {"metadata": copy.deepcopy(candidate["metadata"]), "spec": spec}
    apply_defaults(resource, probe, meta["namespace"])
    if probe["spec"] != current["spec"]:
        candidate["spec"] = probe["spec"]
        candidate["metadata"]["generation"] = int(meta.get("generation", 1)) + 1
    if candidate == current:
        return copy.deepcopy(current)
    return copy.deepcopy(cluster.replace(resource, candidate))
