"""Discovery, authentication, authorisation, reads, selectors, tables and errors."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.sandbox.helpers import TABLE, Api, wait_pod

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def api(shared_api: Api) -> Api:
    return shared_api


DEMO = {
    ("default", "web-distroless"),
    ("default", "multi"),
    ("default", "with-init"),
    ("default", "crashloop"),
    ("default", "completed"),
    ("default", "already-debugged"),
    ("shop", "cart-7d9f"),
    ("shop", "redis-0"),
    ("secure", "vault-0"),
}


async def test_discovery_documents(api: Api) -> None:
    status, version = await api.get("/version", token=None)
    assert status == 200 and version["major"] == "1"
    status, core = await api.get("/api/v1")
    names = {r["name"]: r for r in core["resources"]}
    for name in (
        "pods",
        "pods/attach",
        "pods/exec",
        "pods/log",
        "pods/ephemeralcontainers",
        "namespaces",
        "nodes",
        "events",
    ):
        assert name in names, name
    assert names["pods"]["shortNames"] == ["po"]
    assert "patch" in names["pods/ephemeralcontainers"]["verbs"]
    status, groups = await api.get("/apis")
    assert status == 200
    assert "authorization.k8s.io" in {g["name"] for g in groups["groups"]}
    status, _ = await api.get("/apis/authorization.k8s.io/v1")
    assert status == 200
    status, body = await api.get("/apis/networking.k8s.io/v1")
    assert status == 404 and body["reason"] == "NotFound"


async def test_missing_or_wrong_token_is_401(api: Api) -> None:
    for token in (None, "not-a-token"):
        status, body = await api.get("/api/v1/pods", token=token)
        assert status == 401
        assert body == {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "Unauthorized",
            "reason": "Unauthorized",
            "code": 401,
        }


async def test_tokens_differ_per_run_and_headers(api: Api) -> None:
    from kdebug_tui.sandbox.auth import Authenticator

    sandbox = api.sb
    assert sandbox.admin_token != sandbox.viewer_token and len(sandbox.admin_token) >= 32
    assert Authenticator().admin_token not in (sandbox.admin_token, Authenticator().admin_token)
    async with api.session.get(
        sandbox.url + "/api/v1/namespaces",
        headers={"Authorization": f"Bearer {sandbox.admin_token}"},
    ) as r:
        assert r.headers["Content-Type"].startswith("application/json")
        assert r.headers.get("Audit-Id")


async def test_list_all_demo_pods_and_nodes(api: Api) -> None:
    status, body = await api.get("/api/v1/pods")
    assert status == 200 and body["kind"] == "PodList"
    assert {(p["metadata"]["namespace"], p["metadata"]["name"]) for p in body["items"]} >= DEMO
    assert int(body["metadata"]["resourceVersion"]) > 0
    status, nodes = await api.get("/api/v1/nodes")
    assert [n["metadata"]["name"] for n in nodes["items"]] == ["sandbox-node-1", "sandbox-node-2"]
    ready = [c for c in nodes["items"][0]["status"]["conditions"] if c["type"] == "Ready"]
    assert ready[0]["status"] == "True"
    assert nodes["items"][0]["status"]["nodeInfo"]["kubeletVersion"]
    status, ns = await api.get("/api/v1/namespaces/secure")
    assert ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


async def test_selectors(api: Api) -> None:
    _, body = await api.get(
        "/api/v1/namespaces/default/pods", params={"fieldSelector": "metadata.name=multi"}
    )
    assert [p["metadata"]["name"] for p in body["items"]] == ["multi"]
    _, body = await api.get("/api/v1/pods", params={"fieldSelector": "metadata.namespace!=default"})
    assert {p["metadata"]["namespace"] for p in body["items"]} == {"shop", "secure"}
    _, body = await api.get(
        "/api/v1/pods",
        params={"fieldSelector": "spec.nodeName==sandbox-node-1,metadata.namespace=default"},
    )
    assert body["items"] and all(p["spec"]["nodeName"] == "sandbox-node-1" for p in body["items"])
    _, body = await api.get("/api/v1/namespaces/shop/pods", params={"labelSelector": "app=redis"})
    assert [p["metadata"]["name"] for p in body["items"]] == ["redis-0"]
    _, body = await api.get(
        "/api/v1/namespaces/shop/pods", params={"labelSelector": "app in (redis,nope),app!=cart"}
    )
    assert [p["metadata"]["name"] for p in body["items"]] == ["redis-0"]
    status, body = await api.get("/api/v1/pods", params={"fieldSelector": "spec.bogus=1"})
    assert status == 400 and "field label not supported: spec.bogus" in body["message"]
    await wait_pod(
        api.sb,
        "default",
        "completed",
        lambda p: p["status"]["phase"] == "Succeeded",
        what="Succeeded",
    )
    _, body = await api.get(
        "/api/v1/pods", params={"fieldSelector": "status.phase=Succeeded,metadata.namespace!=shop"}
    )
    assert [p["metadata"]["name"] for p in body["items"]] == ["completed"]


async def test_not_found_bodies_match_the_real_server(api: Api) -> None:
    from tests.conftest import load_fixture

    cases = {c["case"]: c for c in load_fixture("status-bodies.json")}
    status, body = await api.get("/api/v1/namespaces/nope/pods/x")
    assert status == 404 and body == cases["ns-404-list"]["response"]
    status, body = await api.call(
        "PATCH",
        "/api/v1/namespaces/default/pods/nope/ephemeralcontainers",
        body={"spec": {"ephemeralContainers": [{"name": "d", "image": "busybox"}]}},
        content_type="application/strategic-merge-patch+json",
    )
    assert status == 404 and body == cases["pod-404"]["response"]


async def test_viewer_reads_but_is_forbidden_to_write(api: Api) -> None:
    status, _ = await api.get("/api/v1/namespaces/default/pods/multi", token="viewer")
    assert status == 200
    status, body = await api.call(
        "PATCH",
        "/api/v1/namespaces/default/pods/multi/ephemeralcontainers",
        token="viewer",
        body={"spec": {"ephemeralContainers": [{"name": "d", "image": "busybox"}]}},
        content_type="application/strategic-merge-patch+json",
    )
    assert status == 403 and body["reason"] == "Forbidden"
    assert body["message"] == (
        'pods "multi" is forbidden: User "system:serviceaccount:default:sandbox-viewer" cannot '
        'patch resource "pods/ephemeralcontainers" in API group "" in the namespace "default"'
    )
    status, body = await api.call("DELETE", "/api/v1/namespaces/default/pods/multi", token="viewer")
    assert status == 403 and 'cannot delete resource "pods"' in body["message"]
    status, body = await api.call(
        "POST", "/api/v1/namespaces/default/pods", token="viewer", body={"metadata": {"name": "x"}}
    )
    assert status == 403 and body["message"].startswith('pods is forbidden: User "')
    status, body = await api.get(
        "/api/v1/namespaces/default/pods/multi/attach",
        token="viewer",
        params={"container": "app", "stdout": "true"},
    )
    assert status == 403 and 'cannot get resource "pods/attach"' in body["message"]
    status, body = await api.get(
        "/api/v1/namespaces/default/pods/multi/exec",
        token="viewer",
        params={"command": "ls", "stdout": "true"},
    )
    assert status == 403 and 'resource "pods/exec"' in body["message"]
    assert api.sb.viewer_token not in body["message"]
    assert api.sb.cluster.get_pod("default", "multi") is not None


async def test_self_subject_access_review(api: Api) -> None:
    review: dict[str, Any] = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {
            "resourceAttributes": {
                "namespace": "default",
                "verb": "patch",
                "resource": "pods",
                "subresource": "ephemeralcontainers",
            }
        },
    }
    path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
    status, body = await api.call("POST", path, body=review)
    assert status == 201 and body["status"]["allowed"] is True
    status, body = await api.call("POST", path, body=review, token="viewer")
    assert status == 201 and body["status"]["allowed"] is False
    review["spec"]["resourceAttributes"] = {
        "namespace": "default",
        "verb": "list",
        "resource": "pods",
    }
    status, body = await api.call("POST", path, body=review, token="viewer")
    assert body["status"]["allowed"] is True


async def test_table_printing_like_kubectl(api: Api) -> None:
    await wait_pod(
        api.sb, "default", "multi", lambda p: p["status"].get("phase") == "Running", what="Running"
    )
    status, table = await api.get("/api/v1/namespaces/default/pods", headers={"Accept": TABLE})
    assert status == 200 and table["kind"] == "Table" and table["apiVersion"] == "meta.k8s.io/v1"
    assert [c["name"] for c in table["columnDefinitions"]] == [
        "Name",
        "Ready",
        "Status",
        "Restarts",
        "Age",
        "IP",
        "Node",
        "Nominated Node",
        "Readiness Gates",
    ]
    rows = {r["cells"][0]: r for r in table["rows"]}
    assert rows["multi"]["cells"][1:3] == ["2/2", "Running"]
    assert rows["multi"]["object"]["kind"] == "PartialObjectMetadata"
    assert rows["multi"]["object"]["metadata"]["namespace"] == "default"
    status, one = await api.get("/api/v1/namespaces/default/pods/multi", headers={"Accept": TABLE})
    assert len(one["rows"]) == 1


async def test_unsupported_methods_and_bodies(api: Api) -> None:
    status, body = await api.call("DELETE", "/api/v1/nodes/sandbox-node-1")
    assert status == 405 and body["reason"] == "MethodNotAllowed"
    for method, path in (
        ("POST", "/api/v1/pods"),
        ("PUT", "/api/v1/namespaces/default/pods"),
        ("DELETE", "/api/v1/namespaces/default/pods"),
        ("POST", "/api/v1/namespaces/default/pods/multi/log"),
        ("PATCH", "/api/v1/namespaces/default/pods/multi/status"),
    ):
        status, body = await api.call(method, path, body={})
        assert status == 405 and body["kind"] == "Status", (method, path, status)
    status, body = await api.call(
        "POST", "/api/v1/namespaces/default/pods", body="x", content_type="application/yaml"
    )
    assert status == 415
    async with api.session.post(
        api.sb.url + "/api/v1/namespaces/default/pods",
        data=b"{not json",
        headers={
            "Authorization": f"Bearer {api.sb.admin_token}",
            "Content-Type": "application/json",
        },
    ) as r:
        assert r.status == 400
        assert (await r.json())["kind"] == "Status"


async def test_tokens_never_reach_logs(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for token in ("admin", "viewer", "wrong-token"):
        await api.get("/api/v1/namespaces/default/pods/nope", token=token)
        await api.call("POST", "/api/v1/namespaces/default/pods", token=token, body={"bad": 1})
        await api.get("/api/v1/namespaces/default/pods/multi/log", token=token)
    text = caplog.text
    for secret in (api.sb.admin_token, api.sb.viewer_token):
        assert secret not in text
