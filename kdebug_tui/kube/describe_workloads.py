"""`kubectl describe` for Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs and
CronJobs: each as kubectl's describer prints it, from the object, its pods (for the
`Pods Status` counts) or ReplicaSets/Jobs, and its events. Pure functions."""

from __future__ import annotations

from typing import Any

from kdebug_tui.kube.describe_pod import describe_pod_template
from kdebug_tui.kube.describe_text import (
    Writer,
    annotations_multiline,
    controlled_by,
    events_section,
    labels_multiline,
    rfc1123z,
)
from kdebug_tui.kube.podfields import d, ds, format_age, n, parse_time, s
from kdebug_tui.kube.printers import format_label_selector, format_labels

Obj = dict[str, Any]


def _head(w: Writer, obj: Obj, *, namespace: bool = True, created: bool = False) -> None:
    meta = d(obj.get("metadata"))
    w.line(0, "Name", s(meta.get("name")))
    if namespace:
        w.line(0, "Namespace", s(meta.get("namespace")))
    if created:
        w.line(0, "CreationTimestamp", rfc1123z(meta.get("creationTimestamp")))


def _meta_labels(w: Writer, obj: Obj) -> None:
    meta = d(obj.get("metadata"))
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))


def pods_status(pods: list[Obj]) -> str:
    """`N Running / N Waiting / N Succeeded / N Failed` of a controller's pods."""
    phases = [s(d(p.get("status")).get("phase")) for p in pods]
    return (
        f"{phases.count('Running')} Running / {phases.count('Pending')} Waiting / "
        f"{phases.count('Succeeded')} Succeeded / {phases.count('Failed')} Failed"
    )


def _conditions(w: Writer, obj: Obj) -> None:
    conditions = ds(d(obj.get("status")).get("conditions"))
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in conditions:
            w.write(1, f"{s(c.get('type'))} \t{s(c.get('status'))}\t{s(c.get('reason'))}\n")


def _replica_sets(sets: list[Obj]) -> str:
    shown = [
        f"{s(d(r.get('metadata')).get('name'))} "
        f"({n(d(r.get('status')).get('replicas'))}/{n(d(r.get('spec')).get('replicas'))} "
        "replicas created)"
        for r in sets
    ]
    return ", ".join(shown) or "<none>"


def _same_template(rs: Obj, deployment: Obj) -> bool:
    """deploymentutil's EqualIgnoreHash: the templates equal but for pod-template-hash."""
    ours = d(d(rs.get("spec")).get("template"))
    theirs = d(d(deployment.get("spec")).get("template"))
    labels = {
        k: v
        for k, v in d(d(ours.get("metadata")).get("labels")).items()
        if k != "pod-template-hash"
    }
    return {**ours, "metadata": {**d(ours.get("metadata")), "labels": labels}} == {
        **theirs,
        "metadata": {
            **d(theirs.get("metadata")),
            "labels": d(d(theirs.get("metadata")).get("labels")),
        },
    }


def describe_deployment(d_obj: Obj, sets: list[Obj], events: list[Obj], now: float) -> str:
    """`sets`: the ReplicaSets the Deployment controls."""
    w = Writer()
    spec, status = d(d_obj.get("spec")), d(d_obj.get("status"))
    _head(w, d_obj, created=True)
    _meta_labels(w, d_obj)
    w.line(0, "Selector", format_label_selector(spec.get("selector")))
    w.line(
        0,
        "Replicas",
        f"{n(spec.get('replicas'))} desired | {n(status.get('updatedReplicas'))} "
        f"updated | {n(status.get('replicas'))} total | {n(status.get('availableReplicas'))} "
        f"available | {n(status.get('unavailableReplicas'))} unavailable",
    )
    strategy = d(spec.get("strategy"))
    w.line(0, "StrategyType", s(strategy.get("type")))
    w.line(0, "MinReadySeconds", n(spec.get("minReadySeconds")))
    rolling = d(strategy.get("rollingUpdate"))
    if rolling:
        w.line(
            0,
            "RollingUpdateStrategy",
            f"{s(rolling.get('maxUnavailable'))} max unavailable, "
            f"{s(rolling.get('maxSurge'))} max surge",
        )
    describe_pod_template(w, d(spec.get("template")))
    _conditions(w, d_obj)
    new = [r for r in sets if _same_template(r, d_obj)][:1]
    old = [r for r in sets if r not in new and n(d(r.get("spec")).get("replicas")) != 0]
    w.line(0, "OldReplicaSets", _replica_sets(old))
    w.line(0, "NewReplicaSet", _replica_sets(new))
    events_section(w, events, now)
    return w.text()


def describe_replicaset(rs: Obj, pods: list[Obj], events: list[Obj], now: float) -> str:
    w = Writer()
    spec, status = d(rs.get("spec")), d(rs.get("status"))
    _head(w, rs)
    w.line(0, "Selector", format_label_selector(spec.get("selector")))
    _meta_labels(w, rs)
    controlled_by(w, d(rs.get("metadata")))
    w.line(
        0, "Replicas", f"{n(status.get('replicas'))} current / {n(spec.get('replicas'))} desired"
    )
    w.line(0, "Pods Status", pods_status(pods))
    describe_pod_template(w, d(spec.get("template")))
    _conditions(w, rs)
    events_section(w, events, now)
    return w.text()


def describe_statefulset(sts: Obj, pods: list[Obj], events: list[Obj], now: float) -> str:
    w = Writer()
    spec, status = d(sts.get("spec")), d(sts.get("status"))
    _head(w, sts, created=True)
    w.line(0, "Selector", format_label_selector(spec.get("selector")))
    _meta_labels(w, sts)
    w.line(0, "Replicas", f"{n(spec.get('replicas'))} desired | {n(status.get('replicas'))} total")
    strategy = d(spec.get("updateStrategy"))
    w.line(0, "Update Strategy", s(strategy.get("type")))
    rolling = d(strategy.get("rollingUpdate"))
    if rolling.get("partition") is not None:
        w.line(1, "Partition", n(rolling["partition"]))
    w.line(0, "Pods Status", pods_status(pods))
    describe_pod_template(w, d(spec.get("template")))
    claims = ds(spec.get("volumeClaimTemplates"))
    if not claims:
        w.line(0, "Volume Claims", "<none>")
    else:
        w.line(0, "Volume Claims")
        for claim in claims:
            cmeta, cspec = d(claim.get("metadata")), d(claim.get("spec"))
            w.line(1, "Name", s(cmeta.get("name")))
            w.line(1, "StorageClass", s(cspec.get("storageClassName")))
            labels_multiline(w, "Labels", cmeta.get("labels"), 1)
            annotations_multiline(w, "Annotations", cmeta.get("annotations"), 1)
            storage = s(d(d(cspec.get("resources")).get("requests")).get("storage"))
            w.line(1, "Capacity", storage or "<default>")
            w.line(1, "Access Modes", ", ".join(s(m) for m in cspec.get("accessModes") or []))
    events_section(w, events, now)
    return w.text()


def describe_daemonset(ds_obj: Obj, pods: list[Obj], events: list[Obj], now: float) -> str:
    w = Writer()
    spec, status = d(ds_obj.get("spec")), d(ds_obj.get("status"))
    _head(w, ds_obj, namespace=False)
    w.line(0, "Selector", format_label_selector(spec.get("selector")))
    node_selector = d(d(d(spec.get("template")).get("spec")).get("nodeSelector"))
    w.line(0, "Node-Selector", format_labels(node_selector))
    _meta_labels(w, ds_obj)
    for title, key in (
        ("Desired Number of Nodes Scheduled", "desiredNumberScheduled"),
        ("Current Number of Nodes Scheduled", "currentNumberScheduled"),
        ("Number of Nodes Scheduled with Up-to-date Pods", "updatedNumberScheduled"),
        ("Number of Nodes Scheduled with Available Pods", "numberAvailable"),
        ("Number of Nodes Misscheduled", "numberMisscheduled"),
    ):
        w.write(0, f"{title}: {n(status.get(key))}\n")
    w.line(0, "Pods Status", pods_status(pods))
    describe_pod_template(w, d(spec.get("template")))
    events_section(w, events, now)
    return w.text()


def describe_job(job: Obj, events: list[Obj], now: float) -> str:
    w = Writer()
    spec, status = d(job.get("spec")), d(job.get("status"))
    _head(w, job)
    w.line(0, "Selector", format_label_selector(spec.get("selector")))
    _meta_labels(w, job)
    controlled_by(w, d(job.get("metadata")))
    w.line(0, "Parallelism", n(spec.get("parallelism")))
    completions = spec.get("completions")
    w.line(0, "Completions", "<unset>" if completions is None else n(completions))
    w.line(0, "Completion Mode", s(spec.get("completionMode")))
    if spec.get("suspend") is not None:
        w.line(0, "Suspend", str(spec["suspend"] is True).lower())
    w.line(0, "Backoff Limit", n(spec.get("backoffLimit")))
    if spec.get("ttlSecondsAfterFinished") is not None:
        w.line(0, "TTL Seconds After Finished", n(spec["ttlSecondsAfterFinished"]))
    if spec.get("activeDeadlineSeconds") is not None:
        w.line(0, "Active Deadline Seconds", f"{n(spec['activeDeadlineSeconds'])}s")
    if status.get("startTime"):
        w.line(0, "Start Time", rfc1123z(status["startTime"]))
    if status.get("completionTime"):
        w.line(0, "Completed At", rfc1123z(status["completionTime"]))
    start, end = parse_time(status.get("startTime")), parse_time(status.get("completionTime"))
    if start is not None and end is not None:
        w.line(0, "Duration", format_age(end - start))
    w.line(
        0,
        "Pods Statuses",
        f"{n(status.get('active'))} Active ({n(status.get('ready'))} Ready) "
        f"/ {n(status.get('succeeded'))} Succeeded / {n(status.get('failed'))} Failed",
    )
    describe_pod_template(w, d(spec.get("template")))
    events_section(w, events, now)
    return w.text()


def describe_cronjob(cj: Obj, events: list[Obj], now: float) -> str:
    w = Writer()
    spec, status = d(cj.get("spec")), d(cj.get("status"))
    _head(w, cj)
    _meta_labels(w, cj)
    w.line(0, "Schedule", s(spec.get("schedule")))
    w.line(0, "Concurrency Policy", s(spec.get("concurrencyPolicy")))
    suspend = spec.get("suspend")
    w.line(0, "Suspend", "<unset>" if not isinstance(suspend, bool) else str(suspend))
    for title, key in (
        ("Successful Job History Limit", "successfulJobsHistoryLimit"),
        ("Failed Job History Limit", "failedJobsHistoryLimit"),
    ):
        w.line(0, title, "<unset>" if spec.get(key) is None else n(spec[key]))
    deadline = spec.get("startingDeadlineSeconds")
    w.line(0, "Starting Deadline Seconds", "<unset>" if deadline is None else f"{n(deadline)}s")
    job_spec = d(d(spec.get("jobTemplate")).get("spec"))
    selector = job_spec.get("selector")
    w.line(0, "Selector", format_label_selector(selector) if selector else "<unset>")
    for title, key in (("Parallelism", "parallelism"), ("Completions", "completions")):
        w.line(0, title, "<unset>" if job_spec.get(key) is None else n(job_spec[key]))
    if job_spec.get("activeDeadlineSeconds") is not None:
        w.line(0, "Active Deadline Seconds", f"{n(job_spec['activeDeadlineSeconds'])}s")
    describe_pod_template(w, d(job_spec.get("template")))
    last = status.get("lastScheduleTime")
    w.line(0, "Last Schedule Time", rfc1123z(last) if last else "<unset>")
    active = [s(a.get("name")) for a in ds(status.get("active"))]
    w.line(0, "Active Jobs", ", ".join(active) or "<none>")
    events_section(w, events, now)
    return w.text()
