"""The sandbox's controllers: owner chains, statuses from real pods, scaling, rollouts,
cascading deletion, Jobs, CronJobs and Endpoints, through the HTTP API."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from kdebug_tui.kube.printers import job_status
from tests.sandbox.helpers import Api
from tests.sandbox.workload_helpers import status_of, wait_store

pytestmark = pytest.mark.asyncio(loop_scope="module")
NS = "default"
SLEEPER = {"name": "main", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3600"]}
MERGE = "application/merge-patch+json"


@pytest.fixture
def api(shared_api: Api) -> Api:
    return shared_api


def deployment(name: str, replicas: int = 2, **env: str) -> dict[str, Any]:
    container = dict(SLEEPER, env=[{"name": k, "value": v} for k, v in env.items()])
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [container]},
            },
        },
    }


def owned(sb: Any, resource: str, uid: str) -> list[dict[str, Any]]:
    return [
        o
        for o in sb.cluster.list(resource, NS)
        if any(
            r.get("uid") == uid and r.get("controller")
            for r in o["metadata"].get("ownerReferences") or []
        )
        and not o["metadata"].get("deletionTimestamp")
    ]


async def available(api: Api, name: str, replicas: int) -> dict[str, Any]:
    def done() -> Any:
        d = api.sb.cluster.get("deployments", NS, name)
        s = (d or {}).get("status") or {}
        ok = s.get("availableReplicas", 0) == replicas and s.get("replicas") == replicas
        return d if ok and s.get("observedGeneration") == d["metadata"]["generation"] else None

    result: dict[str, Any] = await wait_store(api.sb, done, what=f"{name} available")
    return result


async def test_deployment_owns_a_replicaset_that_owns_its_pods(api: Api) -> None:
    status, created = await api.call(
        "POST", f"/apis/apps/v1/namespaces/{NS}/deployments", body=deployment("chain")
    )
    assert status == 201, created
    d = await available(api, "chain", 2)
    [rs] = owned(api.sb, "replicasets", d["metadata"]["uid"])
    thash = rs["metadata"]["labels"]["pod-template-hash"]
    assert rs["metadata"]["name"] == f"chain-{thash}"
    assert rs["spec"]["selector"]["matchLabels"] == {"app": "chain", "pod-template-hash": thash}
    assert rs["metadata"]["ownerReferences"][0]["kind"] == "Deployment"
    pods = owned(api.sb, "pods", rs["metadata"]["uid"])
    assert len(pods) == 2
    assert all(p["metadata"]["labels"]["pod-template-hash"] == thash for p in pods)
    assert all(p["status"]["phase"] == "Running" for p in pods)
    s = d["status"]
    assert (s["replicas"], s["updatedReplicas"], s["readyReplicas"]) == (2, 2, 2)
    assert {c["type"]: c["status"] for c in s["conditions"]} == {
        "Available": "True",
        "Progressing": "True",
    }
    _, events = await api.get(
        f"/api/v1/namespaces/{NS}/events", params={"fieldSelector": "involvedObject.name=chain"}
    )
    assert any(
        e["reason"] == "ScalingReplicaSet" and "from 0 to 2" in e["message"]
        for e in events["items"]
    )


async def test_scaling_rollout_and_cascading_delete(api: Api) -> None:
    path = f"/apis/apps/v1/namespaces/{NS}/deployments"
    await api.call("POST", path, body=deployment("roll", 1))
    d = await available(api, "roll", 1)
    first_rs = owned(api.sb, "replicasets", d["metadata"]["uid"])[0]
    status, _ = await api.call(
        "PATCH", f"{path}/roll", body={"spec": {"replicas": 3}}, content_type=MERGE
    )
    assert status == 200
    d = await available(api, "roll", 3)
    assert len(owned(api.sb, "pods", first_rs["metadata"]["uid"])) == 3
    new = deployment("roll", 3, MODE="fast")
    status, body = await api.call("PUT", f"{path}/roll", body=new)
    assert status == 200, body
    assert body["metadata"]["generation"] == 3  # the replicas change was the second

    def rolled() -> Any:
        sets = owned(api.sb, "replicasets", d["metadata"]["uid"])
        old = api.sb.cluster.get("replicasets", NS, first_rs["metadata"]["name"])
        done = len(sets) == 2 and old["spec"]["replicas"] == 0
        return done and not owned(api.sb, "pods", first_rs["metadata"]["uid"])

    await wait_store(api.sb, rolled, what="the rollout to a second ReplicaSet")
    d = await available(api, "roll", 3)
    assert d["status"]["observedGeneration"] == 3
    status, _ = await api.call("DELETE", f"{path}/roll")
    assert status == 200
    uid = d["metadata"]["uid"]
    await wait_store(api.sb, lambda: not owned(api.sb, "replicasets", uid), what="RS deleted")
    rs_uids = {first_rs["metadata"]["uid"]}
    await wait_store(
        api.sb,
        lambda: (
            not any(
                r.get("uid") in rs_uids
                for p in api.sb.cluster.list("pods", NS)
                for r in p["metadata"].get("ownerReferences") or []
            )
        ),
        what="the pods to be gone",
    )


async def test_selector_that_misses_the_template_is_refused(api: Api) -> None:
    body = deployment("mismatch")
    body["spec"]["selector"] = {"matchLabels": {"app": "other"}}
    status, err = await api.call("POST", f"/apis/apps/v1/namespaces/{NS}/deployments", body=body)
    assert status == 422
    assert "`selector` does not match template `labels`" in err["message"]
    status, err = await api.call("POST", f"/api/v1/namespaces/{NS}/deployments", body=body)
    assert status == 404  # deployments live in apps/v1 only


async def test_statefulset_starts_pods_in_order(api: Api) -> None:
    body = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "ord"},
        "spec": {
            "replicas": 2,
            "serviceName": "ord",
            "selector": {"matchLabels": {"app": "ord"}},
            "template": {"metadata": {"labels": {"app": "ord"}}, "spec": {"containers": [SLEEPER]}},
        },
    }
    status, _ = await api.call("POST", f"/apis/apps/v1/namespaces/{NS}/statefulsets", body=body)
    assert status == 201
    await wait_store(
        api.sb,
        lambda: status_of(api.sb, "statefulsets", NS, "ord").get("readyReplicas") == 2,
        what="ord ready",
    )
    zero = api.sb.cluster.get("pods", NS, "ord-0")
    one = api.sb.cluster.get("pods", NS, "ord-1")
    assert zero["spec"]["hostname"] == "ord-0" and zero["spec"]["subdomain"] == "ord"
    assert one["metadata"]["labels"]["apps.kubernetes.io/pod-index"] == "1"
    # OrderedReady: ord-1 was created only once ord-0 was ready
    ready_at = next(
        c["lastTransitionTime"] for c in zero["status"]["conditions"] if c["type"] == "Ready"
    )
    assert one["metadata"]["creationTimestamp"] >= ready_at


async def test_daemonset_runs_one_pod_per_node(api: Api) -> None:
    await wait_store(
        api.sb,
        lambda: status_of(api.sb, "daemonsets", "shop", "log-agent").get("numberAvailable") == 2,
        what="log-agent available",
    )
    ds = api.sb.cluster.get("daemonsets", "shop", "log-agent")
    pods = [
        p
        for p in api.sb.cluster.list("pods", "shop")
        if p["metadata"]["name"].startswith("log-agent-")
    ]
    assert sorted(p["spec"]["nodeName"] for p in pods) == ["sandbox-node-1", "sandbox-node-2"]
    assert ds["status"]["desiredNumberScheduled"] == 2


async def test_job_gives_up_after_its_backoff_limit(api: Api) -> None:
    body = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "doomed"},
        "spec": {
            "backoffLimit": 1,
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [dict(SLEEPER, command=["sh", "-c", "exit 3"])],
                }
            },
        },
    }
    status, created = await api.call("POST", f"/apis/batch/v1/namespaces/{NS}/jobs", body=body)
    assert status == 201, created
    labels = created["spec"]["template"]["metadata"]["labels"]
    assert labels["batch.kubernetes.io/job-name"] == "doomed"
    job = await wait_store(
        api.sb,
        lambda: (lambda j: j if job_status(j) == "Failed" else None)(
            api.sb.cluster.get("jobs", NS, "doomed")
        ),
        what="doomed to fail",
    )
    assert job["status"]["failed"] == 2  # the first try and one retry
    failed = next(c for c in job["status"]["conditions"] if c["type"] == "Failed")
    assert failed["reason"] == "BackoffLimitExceeded"


async def test_job_needs_a_restart_policy_that_ends(api: Api) -> None:
    body = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "always"},
        "spec": {"template": {"spec": {"containers": [SLEEPER]}}},
    }
    status, err = await api.call("POST", f"/apis/batch/v1/namespaces/{NS}/jobs", body=body)
    assert status == 422
    assert 'Unsupported value: "Always"' in err["message"]


async def test_cronjob_creates_a_job_for_a_missed_minute(api: Api) -> None:
    body = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "tick"},
        "spec": {
            "schedule": "* * * * *",
            "jobTemplate": {
                "spec": {
                    "template": {
                        "spec": {
                            "restartPolicy": "Never",
                            "containers": [dict(SLEEPER, command=["sh", "-c", "echo tick"])],
                        }
                    }
                }
            },
        },
    }
    status, _ = await api.call("POST", f"/apis/batch/v1/namespaces/{NS}/cronjobs", body=body)
    assert status == 201
    # Time passing, without waiting for it: the CronJob was created three minutes ago.
    stored = copy.deepcopy(api.sb.cluster.get("cronjobs", NS, "tick"))
    then = datetime.fromtimestamp(datetime.now(UTC).timestamp() - 180, UTC)
    stored["metadata"]["creationTimestamp"] = then.strftime("%Y-%m-%dT%H:%M:%SZ")
    api.sb.cluster.replace("cronjobs", stored)
    cj = await wait_store(
        api.sb,
        lambda: (lambda c: c if c["status"].get("lastScheduleTime") else None)(
            api.sb.cluster.get("cronjobs", NS, "tick")
        ),
        what="a schedule",
    )
    scheduled = datetime.fromisoformat(cj["status"]["lastScheduleTime"].replace("Z", "+00:00"))
    name = f"tick-{int(scheduled.timestamp() // 60)}"
    job = await wait_store(api.sb, lambda: api.sb.cluster.get("jobs", NS, name), what=name)
    assert job["metadata"]["ownerReferences"][0]["uid"] == cj["metadata"]["uid"]
    await wait_store(
        api.sb,
        lambda: status_of(api.sb, "jobs", NS, name).get("succeeded") == 1,
        what=f"{name} to succeed",
    )
    assert len(owned(api.sb, "jobs", cj["metadata"]["uid"])) == 1  # one job for the latest minute


async def test_endpoints_follow_the_pods_a_service_selects(api: Api) -> None:
    await api.call("POST", f"/apis/apps/v1/namespaces/{NS}/deployments", body=deployment("ep", 2))
    d = await available(api, "ep", 2)
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "ep"},
        "spec": {"selector": {"app": "ep"}, "ports": [{"port": 80, "targetPort": 8080}]},
    }
    status, created = await api.call("POST", f"/api/v1/namespaces/{NS}/services", body=svc)
    assert status == 201
    assert created["spec"]["clusterIP"].startswith("10.96.")
    assert created["spec"]["ports"][0]["protocol"] == "TCP"

    def addresses() -> list[str]:
        ep = api.sb.cluster.get("endpoints", NS, "ep") or {}
        return sorted(
            a["targetRef"]["name"]
            for s in ep.get("subsets") or []
            for a in s.get("addresses") or []
        )

    before = await wait_store(
        api.sb, lambda: (lambda a: a if len(a) == 2 else None)(addresses()), what="two endpoints"
    )
    ep = api.sb.cluster.get("endpoints", NS, "ep")
    assert ep["subsets"][0]["ports"] == [{"port": 8080, "protocol": "TCP"}]
    await api.call("DELETE", f"/api/v1/namespaces/{NS}/pods/{before[0]}")
    after = await wait_store(
        api.sb,
        lambda: (lambda a: a if len(a) == 2 and before[0] not in a else None)(addresses()),
        what="the replacement pod in the endpoints",
    )
    assert before[1] in after
    assert d["metadata"]["name"] == "ep"
    await api.call("DELETE", f"/api/v1/namespaces/{NS}/services/ep")
    await wait_store(
        api.sb,
        lambda: api.sb.cluster.get("endpoints", NS, "ep") is None,
        what="endpoints gone with their Service",
    )
