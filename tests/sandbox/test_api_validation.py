"""The sandbox refuses what a real API server refuses, with the real server's words.

Names become paths on this machine and IDs become the identity of real processes, so these
are security checks too (issue 15 items 2 and 11): a container named
`../../../../../../tmp/x/c` once made the sandbox write `/tmp/x/c/0.log` as root.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.sandbox.helpers import Api

pytestmark = pytest.mark.asyncio(loop_scope="module")

LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
    "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
    "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
RANGE = "must be between 0 and 2147483647, inclusive"
PODS = "/api/v1/namespaces/default/pods"


@pytest.fixture
def api(shared_api: Api) -> Api:
    return shared_api


def _pod(name: str, **spec: Any) -> dict[str, Any]:
    spec.setdefault("containers", [{"name": "app", "image": "busybox", "command": ["true"]}])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def _causes(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(c["field"], c["reason"], c["message"]) for c in body["details"]["causes"]]


async def _refused(api: Api, body: dict[str, Any], *, dry_run: bool = True) -> dict[str, Any]:
    params = {"dryRun": "All"} if dry_run else None
    status, answer = await api.call("POST", PODS, body=body, params=params)
    assert status == 422, answer
    assert answer["reason"] == "Invalid"
    return answer


@pytest.mark.parametrize("kind", ["containers", "initContainers"])
async def test_path_traversal_container_name_gets_422_and_writes_nothing(
    api: Api, kind: str
) -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as short:  # the name stays under 63 chars
        await _traversal(api, kind, Path(short))


async def _traversal(api: Api, kind: str, tmp_path: Path) -> None:
    name = "../../../../../.." + str(tmp_path / "x" / "c")
    assert len(name) <= 63
    c = {"name": name, "image": "busybox", "command": ["sh", "-c", "echo pwned"]}
    spec = {kind: [c]}
    if kind == "initContainers":
        spec["containers"] = [{"name": "app", "image": "busybox", "command": ["true"]}]
    answer = await _refused(api, _pod(f"traversal-{kind.lower()}", **spec), dry_run=False)
    field = f"spec.{kind}[0].name"
    assert _causes(answer) == [
        (field, "FieldValueInvalid", f'Invalid value: "{name}": {LABEL_MSG}')
    ]
    assert answer["message"] == (
        f'Pod "traversal-{kind.lower()}" is invalid: {field}: Invalid value: "{name}": {LABEL_MSG}'
    )
    assert not (tmp_path / "x").exists()
    assert api.sb.cluster.get_pod("default", f"traversal-{kind.lower()}") is None


async def test_container_names_are_rfc1123_labels(api: Api) -> None:
    long = "a" * 64
    body = _pod(
        "names",
        containers=[
            {"name": long, "image": "busybox"},
            {"name": "a.b", "image": "busybox"},
            {"name": "Upper", "image": "busybox"},
        ],
    )
    answer = await _refused(api, body)
    assert _causes(answer) == [
        ("spec.containers[0].name", "FieldValueInvalid",
         f'Invalid value: "{long}": must be no more than 63 characters'),
        ("spec.containers[1].name", "FieldValueInvalid",
         'Invalid value: "a.b": must not contain dots'),
        ("spec.containers[2].name", "FieldValueInvalid", f'Invalid value: "Upper": {LABEL_MSG}'),
    ]  # fmt: skip


async def test_pod_names_are_dns_subdomains(api: Api) -> None:
    answer = await _refused(api, _pod("../escape"))
    assert _causes(answer) == [
        ("metadata.name", "FieldValueInvalid", f'Invalid value: "../escape": {SUBDOMAIN_MSG}')
    ]
    long = "a" * 254
    answer = await _refused(api, _pod(long))
    assert _causes(answer)[0] == (
        "metadata.name",
        "FieldValueInvalid",
        f'Invalid value: "{long}": must be no more than 253 characters',
    )
    status, _ = await api.call("POST", PODS, body=_pod("a." + "b" * 60), params={"dryRun": "All"})
    assert status == 201


async def test_negative_and_huge_ids_are_refused(api: Api) -> None:
    body = _pod(
        "ids",
        securityContext={"runAsUser": -5, "runAsGroup": -1, "fsGroup": 2**31,
                         "supplementalGroups": [1, -2]},
        containers=[{"name": "app", "image": "busybox",
                     "securityContext": {"runAsUser": 2**31, "runAsGroup": -7}}],
    )  # fmt: skip
    answer = await _refused(api, body, dry_run=False)
    assert _causes(answer) == [
        ("spec.containers[0].securityContext.runAsUser", "FieldValueInvalid",
         f"Invalid value: 2147483648: {RANGE}"),
        ("spec.containers[0].securityContext.runAsGroup", "FieldValueInvalid",
         f"Invalid value: -7: {RANGE}"),
        ("spec.securityContext.fsGroup", "FieldValueInvalid",
         f"Invalid value: 2147483648: {RANGE}"),
        ("spec.securityContext.runAsUser", "FieldValueInvalid", f"Invalid value: -5: {RANGE}"),
        ("spec.securityContext.runAsGroup", "FieldValueInvalid", f"Invalid value: -1: {RANGE}"),
        ("spec.securityContext.supplementalGroups[1]", "FieldValueInvalid",
         f"Invalid value: -2: {RANGE}"),
    ]  # fmt: skip
    assert api.sb.cluster.get_pod("default", "ids") is None


async def test_ephemeral_container_ids_are_refused(api: Api) -> None:
    status, _ = await api.call("POST", PODS, body=_pod("eph-ids"), params=None)
    assert status == 201
    path = f"{PODS}/eph-ids/ephemeralcontainers"
    patch = {"spec": {"ephemeralContainers": [
        {"name": "dbg", "image": "busybox", "securityContext": {"runAsUser": -5}}]}}  # fmt: skip
    status, answer = await api.call(
        "PATCH", path, body=patch, content_type="application/strategic-merge-patch+json"
    )
    assert status == 422, answer
    assert _causes(answer) == [
        ("spec.ephemeralContainers[0][0].securityContext.runAsUser", "FieldValueInvalid",
         f"Invalid value: -5: {RANGE}")
    ]  # fmt: skip


async def test_annotations_over_256k_total_are_refused(api: Api) -> None:
    limit = 256 * 1024
    at_limit = _pod("notes-ok")
    at_limit["metadata"]["annotations"] = {"k": "v" * (limit - 1)}  # key + value == limit
    status, _ = await api.call("POST", PODS, body=at_limit, params={"dryRun": "All"})
    assert status == 201
    over = _pod("notes")
    over["metadata"]["annotations"] = {"a": "x" * limit, "b": "y" * (10 * 1024 * 1024)}
    answer = await _refused(api, over)
    assert _causes(answer) == [
        ("metadata.annotations", "FieldValueTooLong", "Too long: must have at most 262144 bytes")
    ]
    assert answer["message"] == (
        'Pod "notes" is invalid: metadata.annotations: Too long: must have at most 262144 bytes'
    )


async def test_label_keys_and_values_are_validated(api: Api) -> None:
    body = _pod("labels")
    body["metadata"]["labels"] = {
        "ok/key": "fine",
        "bad key": "v",
        "k": "not valid!",
        "l": "x" * 64,
    }
    answer = await _refused(api, body)
    qname = (
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
        "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
        "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    )
    value = (
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
        "or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
        "'my_value',  or '12345', regex used for validation is "
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    )
    assert _causes(answer) == [
        ("metadata.labels", "FieldValueInvalid", f'Invalid value: "bad key": {qname}'),
        ("metadata.labels", "FieldValueInvalid", f'Invalid value: "not valid!": {value}'),
        ("metadata.labels", "FieldValueInvalid",
         f'Invalid value: "{"x" * 64}": must be no more than 63 characters'),
    ]  # fmt: skip


async def test_label_patch_is_validated_too(api: Api) -> None:
    status, _ = await api.call("POST", PODS, body=_pod("relabel"), params=None)
    assert status == 201
    status, answer = await api.call(
        "PATCH",
        f"{PODS}/relabel",
        body={"metadata": {"labels": {"app": "bad value"}}},
        content_type="application/merge-patch+json",
    )
    assert status == 422, answer
    assert _causes(answer)[0][0] == "metadata.labels"
    labels = api.sb.cluster.get_pod("default", "relabel")["metadata"].get("labels") or {}
    assert "app" not in labels


async def test_no_file_escapes_the_logs_directory(tmp_path: Path) -> None:
    from kdebug_tui.sandbox.names import contained

    base = tmp_path / "logs"
    assert contained(base, "ns_pod_uid", "app") == base / "ns_pod_uid" / "app"
    for bad in ("..", ".", "", "a/b", "../../x", "a\0b"):
        with pytest.raises(ValueError):
            contained(base, "ns_pod_uid", bad)
    assert not base.exists()
