"""Row renderers for the kinds beyond pods, against the cells the API server's printers
(pkg/printers/internalversion/printers.go) produce for the same objects."""

from __future__ import annotations

from typing import Any

from kdebug_tui.kube import printers
from kdebug_tui.kube.owners import PodQuery
from kdebug_tui.kube.resources import KINDS, kind_of, lookup

NOW = 1_800_000_000.0
T0 = "2027-01-15T08:00:00Z"  # 1_800_000_000 - 0 is 2027-01-15T08:00:00Z


def at(seconds_before_now: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(NOW - seconds_before_now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def template(*containers: tuple[str, str]) -> dict[str, Any]:
    return {"spec": {"containers": [{"name": n, "image": i} for n, i in containers]}}


def test_deployment_row_and_wide_columns() -> None:
    d = {
        "metadata": {"name": "web", "creationTimestamp": at(3600 * 5 + 60 * 3)},
        "spec": {
            "replicas": 3,
            "selector": {
                "matchLabels": {"tier": "front", "app": "web"},
                "matchExpressions": [
                    {"key": "env", "operator": "In", "values": ["prod", "canary"]},
                    {"key": "legacy", "operator": "DoesNotExist"},
                ],
            },
            "template": template(("app", "nginx:1"), ("proxy", "envoy:2")),
        },
        "status": {"readyReplicas": 1, "updatedReplicas": 2, "availableReplicas": 1},
    }
    assert KINDS["deployments"].row(d, NOW) == ["web", "1/3", "2", "1", "5h3m"]
    wide = KINDS["deployments"].row(d, NOW, wide=True)
    assert wide[5:] == [
        "app,proxy",
        "nginx:1,envoy:2",
        "app=web,env in (canary,prod),!legacy,tier=front",
    ]
    assert KINDS["deployments"].headers() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]


def test_empty_selectors_and_labels_print_none() -> None:
    assert printers.format_label_selector({}) == "<none>"
    assert printers.format_label_selector(None) == "<none>"
    assert printers.format_labels({}) == "<none>"
    assert printers.format_labels({"b": "2", "a": "1"}) == "a=1,b=2"


def test_job_completions_duration_and_status() -> None:
    job: dict[str, Any] = {
        "metadata": {"name": "j", "creationTimestamp": at(200)},
        "spec": {"completions": 3},
        "status": {"succeeded": 2, "startTime": at(190), "completionTime": at(100)},
    }
    assert KINDS["jobs"].row(job, NOW) == ["j", "Running", "2/3", "90s", "3m20s"]
    job["spec"] = {"parallelism": 4}
    job["status"].pop("completionTime")
    assert printers.job_cells(job, NOW)[2:4] == ["2/1 of 4", "3m10s"]
    job["spec"] = {"parallelism": 1}
    assert printers.job_cells(job, NOW)[2] == "2/1"
    job["status"]["conditions"] = [{"type": "Suspended", "status": "True"}]
    assert printers.job_status(job) == "Suspended"
    job["metadata"]["deletionTimestamp"] = at(1)
    assert printers.job_status(job) == "Terminating"
    job["status"]["conditions"].append({"type": "Failed", "status": "True"})
    assert printers.job_status(job) == "Failed"
    job["status"]["conditions"].append({"type": "Complete", "status": "True"})
    assert printers.job_status(job) == "Complete"
    job["status"] = {}
    assert printers.job_cells(job, NOW)[3] == ""  # not started: no duration


def test_cronjob_cells() -> None:
    cj: dict[str, Any] = {
        "metadata": {"name": "c", "creationTimestamp": at(86400 * 3)},
        "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": template()}}},
        "status": {},
    }
    assert KINDS["cronjobs"].row(cj, NOW) == [
        "c",
        "*/5 * * * *",
        "<none>",
        "<unset>",
        "0",
        "<none>",
        "3d",
    ]
    cj["spec"].update(suspend=True, timeZone="Europe/Paris")
    cj["status"] = {"active": [{"name": "c-1"}], "lastScheduleTime": at(61)}
    assert KINDS["cronjobs"].row(cj, NOW)[2:6] == ["Europe/Paris", "True", "1", "61s"]


def test_service_cells() -> None:
    svc: dict[str, Any] = {
        "metadata": {"name": "s", "creationTimestamp": at(10)},
        "spec": {
            "type": "ClusterIP",
            "clusterIPs": ["10.96.0.10"],
            "ports": [{"port": 80, "protocol": "TCP"}, {"port": 443, "nodePort": 30443}],
            "selector": {"app": "s"},
        },
    }
    assert KINDS["services"].row(svc, NOW, wide=True) == [
        "s",
        "ClusterIP",
        "10.96.0.10",
        "<none>",
        "80/TCP,443:30443/TCP",
        "10s",
        "app=s",
    ]
    svc["spec"]["type"] = "LoadBalancer"
    assert printers.service_external_ip(svc) == "<pending>"
    svc["status"] = {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}, {"hostname": "lb.example"}]}}
    svc["spec"]["externalIPs"] = ["5.6.7.8"]
    assert printers.service_external_ip(svc) == "1.2.3.4,lb.example,5.6.7.8"
    svc["spec"] = {"type": "ExternalName", "externalName": "db.example.com"}
    assert KINDS["services"].row(svc, NOW)[1:5] == [
        "ExternalName",
        "<none>",
        "db.example.com",
        "<none>",
    ]


def test_endpoints_show_three_then_how_many_more() -> None:
    addresses = [{"ip": f"10.0.0.{i}"} for i in range(1, 6)]
    ep = {"metadata": {"name": "e"}, "subsets": [{"addresses": addresses, "ports": [{"port": 80}]}]}
    assert printers.format_endpoints(ep) == "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more..."
    assert printers.format_endpoints({"subsets": [{"addresses": addresses[:2]}]}) == (
        "10.0.0.1,10.0.0.2"
    )
    assert printers.format_endpoints({"metadata": {"name": "e"}}) == "<none>"


def test_daemonset_statefulset_replicaset() -> None:
    ds = {
        "metadata": {"name": "agent", "creationTimestamp": at(30)},
        "spec": {"template": {"spec": {"nodeSelector": {"kubernetes.io/os": "linux"}}}},
        "status": {
            "desiredNumberScheduled": 3,
            "currentNumberScheduled": 3,
            "numberReady": 2,
            "updatedNumberScheduled": 3,
            "numberAvailable": 2,
        },
    }
    assert KINDS["daemonsets"].row(ds, NOW) == [
        "agent",
        "3",
        "3",
        "2",
        "3",
        "2",
        "kubernetes.io/os=linux",
        "30s",
    ]
    sts = {"metadata": {"name": "db"}, "spec": {"replicas": 3}, "status": {"readyReplicas": 1}}
    assert KINDS["statefulsets"].row(sts, NOW) == ["db", "1/3", "<unknown>"]
    rs = {"metadata": {"name": "rs"}, "spec": {"replicas": 2}, "status": {"replicas": 2}}
    assert KINDS["replicasets"].row(rs, NOW)[:4] == ["rs", "2", "2", "0"]


def test_event_cells_new_api_fields() -> None:
    ev = {
        "metadata": {"name": "x.1"},
        "involvedObject": {"kind": "Node", "name": ""},
        "reportingController": "kubelet",
        "reportingInstance": "node-1",
        "eventTime": at(120),
        "series": {"count": 4, "lastObservedTime": at(5)},
        "type": "Warning",
        "reason": "Rebooted",
        "message": " rebooted \n",
    }
    cells = printers.event_cells(ev, NOW)
    assert cells == [
        "5s",
        "Warning",
        "Rebooted",
        "node",
        "",
        "kubelet, node-1",
        "rebooted",
        "2m",
        4,
        "x.1",
    ]


def test_lookup_accepts_what_kubectl_accepts() -> None:
    assert lookup("deploy") is KINDS["deployments"]
    assert lookup(":sts") is KINDS["statefulsets"]
    assert lookup("Deployment") is KINDS["deployments"]
    assert lookup("deployments.apps") is KINDS["deployments"]
    assert lookup("svc") is KINDS["services"]
    assert lookup("jobs.apps") is None
    assert lookup("widgets") is None
    assert kind_of({"kind": "CronJob"}) is KINDS["cronjobs"]
    assert (
        KINDS["deployments"].path("shop", "web") == "/apis/apps/v1/namespaces/shop/deployments/web"
    )
    assert KINDS["nodes"].path("ignored") == "/api/v1/nodes"
    assert KINDS["jobs"].path(None) == "/apis/batch/v1/jobs"


def test_pod_query_matches_by_owner() -> None:
    pod = {"metadata": {"ownerReferences": [{"uid": "rs-1"}]}}
    assert PodQuery("ns", owner_uids=frozenset({"rs-1"})).matches(pod)
    assert not PodQuery("ns", owner_uids=frozenset({"rs-2"})).matches(pod)
    assert not PodQuery("ns", owner_uids=frozenset()).matches(pod)
    assert PodQuery("ns", label_selector="app=x").matches(pod)
    assert not PodQuery("ns", empty=True).matches(pod)


def test_renderers_never_raise_on_odd_shapes() -> None:
    odd: list[Any] = [{}, {"spec": None, "status": []}, {"metadata": "x", "spec": {"ports": 3}}]
    for kind in KINDS.values():
        for obj in odd:
            assert len(kind.cells(obj, NOW)) == len(kind.columns)
