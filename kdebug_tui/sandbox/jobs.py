"""The Job and CronJob controllers: pods until enough succeed, and Jobs on a schedule.

A Job runs up to `parallelism` pods at a time until `completions` of them succeed, gives up
after `backoffLimit` failures (condition Failed, BackoffLimitExceeded), and records
startTime, completionTime and the Complete condition as the real controller does. A CronJob
creates one Job per scheduled minute that has passed since its last schedule (named
`<cronjob>-<minutes since the epoch>` as upstream), lists the running ones in
`status.active`, and prunes finished Jobs beyond its history limits.
"""

from __future__ import annotations

import contextlib
import copy
from datetime import UTC, datetime
from typing import Any

from kdebug_tui.sandbox.cluster import now_iso
from kdebug_tui.sandbox.defaults import random_suffix
from kdebug_tui.sandbox.errors import ApiError
from kdebug_tui.sandbox.objects import create as create_object
from kdebug_tui.sandbox.ownership import (
    ControllerBase,
    condition,
    controller_uid,
    is_active,
    owner_ref,
)

Obj = dict[str, Any]
_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _epoch(text: str | None) -> float | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def parse_field(text: str, low: int, high: int) -> set[int]:
    """One cron field: `*`, `*/n`, `a`, `a-b`, `a-b/n`, comma lists. ValueError if bad."""
    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if base == "*":
            start, end = low, high
        elif "-" in base:
            a, b = base.split("-", 1)
            start, end = int(a), int(b)
        else:
            start = int(base)
            end = high if step_text else start
        if step < 1 or start < low or end > high or start > end:
            raise ValueError(part)
        values.update(range(start, end + 1, step))
    return values


def parse_schedule(schedule: str) -> list[set[int]]:
    """The five fields of a standard cron schedule (macros like @hourly included)."""
    macros = {
        "@yearly": "0 0 1 1 *",
        "@annually": "0 0 1 1 *",
        "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *",
        "@hourly": "0 * * * *",
    }
    fields = macros.get(schedule.strip(), schedule).split()
    if len(fields) != 5:
        raise ValueError(f"expected exactly 5 fields, found {len(fields)}: {schedule}")
    sets = [parse_field(f, lo, hi) for f, (lo, hi) in zip(fields, _RANGES, strict=True)]
    if 7 in sets[4]:
        sets[4] = (sets[4] - {7}) | {0}
    return sets


def _matches(fields: list[set[int]], when: datetime) -> bool:
    minute, hour, day, month, weekday = fields
    return (
        when.minute in minute
        and when.hour in hour
        and when.day in day
        and when.month in month
        and (when.weekday() + 1) % 7 in weekday
    )


def last_due(schedule: str, after: float, now: float) -> float | None:
    """The latest scheduled minute in (after, now], or None (searches at most a day back,
    as a controller that missed more than that would give up too)."""
    fields = parse_schedule(schedule)
    t = int(now // 60) * 60
    floor = max(after, now - 86_400)
    while t > floor:
        if _matches(fields, datetime.fromtimestamp(t, UTC)):
            return float(t)
        t -= 60
    return None


def _finished(job: Obj) -> str | None:
    for c in (job.get("status") or {}).get("conditions") or []:
        if c.get("type") in ("Complete", "Failed") and c.get("status") == "True":
            return str(c["type"])
    return None


def job(ctl: ControllerBase, obj: Obj) -> None:
    spec, meta = obj["spec"], obj["metadata"]
    old = obj.get("status") or {}
    pods = ctl.owned("pods", obj)
    succeeded = sum(1 for p in pods if (p.get("status") or {}).get("phase") == "Succeeded")
    failed = sum(1 for p in pods if (p.get("status") or {}).get("phase") == "Failed")
    active = [p for p in pods if is_active(p)]
    completions = int(spec.get("completions") or 1)
    done = _finished(obj)
    stamp = now_iso()
    status: Obj = {"startTime": old.get("startTime") or stamp, "uncountedTerminatedPods": {}}
    conditions = list(old.get("conditions") or [])
    if done is None and spec.get("suspend"):
        status.pop("startTime")
    elif done is None and succeeded >= completions:
        conditions.append(
            condition(
                [],
                "Complete",
                "True",
                "CompletionsReached",
                "Reached expected number of succeeded pods",
                stamp,
            )
        )
        status["completionTime"] = stamp
        ctl.event(obj, "Completed", "Job completed", component="job-controller")
        done = "Complete"
    elif done is None and failed > int(spec.get("backoffLimit", 6)):
        conditions.append(
            condition(
                [],
                "Failed",
                "True",
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit",
                stamp,
            )
        )
        ctl.event(
            obj,
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            type_="Warning",
            component="job-controller",
        )
        for pod in active:
            ctl.delete_pod(obj, pod)
        active = []
        done = "Failed"
    elif done is None:
        want = min(int(spec.get("parallelism", 1)), completions - succeeded) - len(active)
        for _ in range(want):
            created = ctl.create_pod(obj, spec["template"], f"{meta['name']}-{random_suffix()}")
            if created is not None:
                active.append(created)
    if old.get("completionTime"):
        status["completionTime"] = old["completionTime"]
    for key, value in (("active", len(active)), ("succeeded", succeeded), ("failed", failed)):
        if value:
            status[key] = value
    ready = sum(
        1
        for p in active
        if any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in (p.get("status") or {}).get("conditions") or []
        )
    )
    status["ready"] = ready
    status["terminating"] = 0
    if conditions:
        status["conditions"] = conditions
    ctl.set_status("jobs", obj, status)


def cronjob(ctl: ControllerBase, obj: Obj) -> None:
    spec, meta = obj["spec"], obj["metadata"]
    old = obj.get("status") or {}
    ns = meta["namespace"]
    jobs = sorted(ctl.owned("jobs", obj), key=lambda j: j["metadata"]["creationTimestamp"])
    status: Obj = {k: v for k, v in old.items() if k in ("lastScheduleTime", "lastSuccessfulTime")}
    try:
        after = _epoch(old.get("lastScheduleTime")) or _epoch(meta.get("creationTimestamp")) or 0.0
        due = None if spec.get("suspend") else last_due(spec["schedule"], after, ctl.clock())
    except (ValueError, KeyError) as exc:
        ctl.event(
            obj,
            "UnparseableSchedule",
            f"unparseable schedule: {exc}",
            type_="Warning",
            component="cronjob-controller",
        )
        due = None
    running = [j for j in jobs if _finished(j) is None]
    if due is not None and not (spec.get("concurrencyPolicy") == "Forbid" and running):
        template: Obj = copy.deepcopy(spec.get("jobTemplate") or {})
        jmeta = template.setdefault("metadata", {})
        jmeta["name"] = f"{meta['name']}-{int(due // 60)}"
        jmeta["ownerReferences"] = [owner_ref(obj)]
        jmeta.setdefault("annotations", {})["batch.kubernetes.io/cronjob-scheduled-timestamp"] = (
            _iso(due)
        )
        if spec.get("concurrencyPolicy") == "Replace":
            for j in running:
                with contextlib.suppress(ApiError):
                    ctl.cluster.delete("jobs", ns, j["metadata"]["name"])
            running = []
        try:
            created = create_object(ctl.cluster, "jobs", ns, template, dry_run=False)
        except ApiError as err:
            ctl.event(
                obj,
                "FailedCreate",
                f"Error creating job: {err.message}",
                type_="Warning",
                component="cronjob-controller",
            )
        else:
            ctl.event(
                obj,
                "SuccessfulCreate",
                f"Created job {jmeta['name']}",
                component="cronjob-controller",
            )
            running.append(created)
            jobs.append(created)
        status["lastScheduleTime"] = _iso(due)
    for kind, limit in (
        ("Complete", spec.get("successfulJobsHistoryLimit", 3)),
        ("Failed", spec.get("failedJobsHistoryLimit", 1)),
    ):
        finished = [j for j in jobs if _finished(j) == kind]
        for j in finished[: max(0, len(finished) - int(limit))]:
            with contextlib.suppress(ApiError):
                ctl.cluster.delete("jobs", ns, j["metadata"]["name"])
                ctl.event(
                    obj,
                    "SuccessfulDelete",
                    f"Deleted job {j['metadata']['name']}",
                    component="cronjob-controller",
                )
    completed = [
        (j.get("status") or {}).get("completionTime") for j in jobs if _finished(j) == "Complete"
    ]
    if any(completed):
        status["lastSuccessfulTime"] = max(c for c in completed if c)
    if running:
        status["active"] = [
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "name": j["metadata"]["name"],
                "namespace": ns,
                "uid": j["metadata"]["uid"],
                "resourceVersion": j["metadata"].get("resourceVersion", ""),
            }
            for j in running
            if controller_uid(j) == meta["uid"]
        ]
    ctl.set_status("cronjobs", obj, status)
