"""Garbage in never gets a 500 or a traceback: random bodies for create and for the three
patch types of pods/ephemeralcontainers answer with a client error or succeed."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.sandbox.helpers import Api

CLIENT_ERRORS = {400, 403, 404, 409, 415, 422}
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.text(max_size=6),
    st.sampled_from(["app", "busybox", "x", ""]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "image",
                    "command",
                    "spec",
                    "containers",
                    "ephemeralContainers",
                    "metadata",
                    "securityContext",
                    "capabilities",
                    "add",
                    "volumeMounts",
                    "targetContainerName",
                    "op",
                    "path",
                    "value",
                    "$patch",
                    "env",
                ]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)
container = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["app", "dbg", "x", ""]),
        "image": st.sampled_from(["busybox", "", 1]),
    },
    optional={
        "command": json_values,
        "securityContext": json_values,
        "targetContainerName": json_values,
        "ports": json_values,
    },
)
pod_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "metadata": st.one_of(
                st.fixed_dictionaries({"name": st.sampled_from(["fz", "Bad_Name", ""])}),
                json_values,
            )
        },
        optional={
            "spec": st.one_of(
                st.fixed_dictionaries({"containers": st.lists(container, max_size=2)}), json_values
            )
        },
    ),
)
ec_patches = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "spec": st.fixed_dictionaries(
                {"ephemeralContainers": st.one_of(st.lists(container, max_size=2), json_values)}
            )
        }
    ),
)
MEDIA = [
    "application/strategic-merge-patch+json",
    "application/merge-patch+json",
    "application/json-patch+json",
]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=pod_bodies)
@example(
    body={"metadata": {"name": "fz"}, "spec": {"containers": [{"name": "app", "image": "busybox"}]}}
)
async def test_random_pod_bodies(api: Api, body: Any) -> None:
    status, answer = await api.call("POST", "/api/v1/namespaces/default/pods", body=body)
    assert status == 201 or status in CLIENT_ERRORS, (status, answer)
    if status != 201:
        assert answer["kind"] == "Status" and answer["code"] == status
    else:
        await api.call(
            "DELETE",
            f"/api/v1/namespaces/default/pods/{answer['metadata']['name']}",
            params={"gracePeriodSeconds": "0"},
        )


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=ec_patches, media=st.sampled_from(MEDIA))
async def test_random_ephemeral_patches(api: Api, body: Any, media: str) -> None:
    status, answer = await api.call(
        "PATCH",
        "/api/v1/namespaces/default/pods/web-distroless/ephemeralcontainers",
        body=body,
        content_type=media,
    )
    assert status == 200 or status in CLIENT_ERRORS, (status, answer)
    assert answer["kind"] in ("Pod", "Status")


PATHS = [
    "/api/v1/pods", "/api/v1/namespaces", "/api/v1/namespaces/default", "/api/v1/nodes",
    "/api/v1/nodes/sandbox-node-1", "/api/v1/events", "/api/v1/namespaces/default/events",
    "/api/v1/namespaces/default/pods", "/api/v1/namespaces/default/pods/multi",
    "/api/v1/namespaces/default/pods/multi/log", "/api/v1/namespaces/default/pods/multi/status",
    "/api/v1/namespaces/default/pods/multi/ephemeralcontainers",
    "/api/v1/namespaces/default/pods/multi/attach", "/api/v1/namespaces/default/pods/multi/exec",
    "/api/v1/namespaces/default/pods/nope/log", "/api/v1/namespaces/nope/pods",
    "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "/apis/authentication.k8s.io/v1/x",
    "/api/v1/namespaces/default/pods/multi/x/y", "/api", "/apis", "/version", "/openapi/v3",
]  # fmt: skip
PARAMS = st.dictionaries(
    st.sampled_from(
        [
            "container",
            "tailLines",
            "follow",
            "previous",
            "labelSelector",
            "fieldSelector",
            "command",
            "stdout",
            "timeoutSeconds",
            "gracePeriodSeconds",
            "dryRun",
            "limitBytes",
        ]
    ),
    st.sampled_from(
        [
            "",
            "app",
            "-1",
            "x",
            "true",
            "0",
            "app=web",
            "metadata.name=multi",
            "a in (",
            "All",
            "1e9",
        ]
    ),
    max_size=3,
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    path=st.sampled_from(PATHS),
    params=PARAMS,
    body=json_values,
    media=st.sampled_from([*MEDIA, "application/json", "text/plain"]),
)
async def test_random_requests(
    api: Api, method: str, path: str, params: dict[str, str], body: Any, media: str
) -> None:
    if method == "DELETE" and path.endswith("/pods/multi"):
        params = {**params, "dryRun": "All"}  # keep the pod for the next examples
    if params.get("follow") == "true" or "watch" in params:
        params = {k: v for k, v in params.items() if k not in ("follow", "watch")}
    status, answer = await api.call(method, path, body=body, content_type=media, params=params)
    assert status < 500, (method, path, params, body, status, answer)
