"""Protobuf request bodies (what kubectl's typed clients send) decode to the same Pod as JSON."""

from __future__ import annotations

from typing import Any

import pytest

from kdebug_tui.sandbox import protobuf
from tests.sandbox.helpers import Api, running, wait_pod


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, wire: int, payload: bytes) -> bytes:
    key = _varint(number << 3 | wire)
    return key + (_varint(len(payload)) + payload if wire == 2 else payload)


def encode(message: str, obj: dict[str, Any]) -> bytes:
    """A test-side encoder over the same schema, written independently of the decoder."""
    out = b""
    for number, (name, kind, flags) in sorted(protobuf.SCHEMA[message].items()):
        if flags == "i":
            inline = {
                k: v
                for k, v in obj.items()
                if k in {n for n, _, _ in protobuf.SCHEMA[kind].values()}
            }
            if inline:
                out += _field(number, 2, encode(kind, inline))
            continue
        if name not in obj:
            continue
        value = obj[name]
        if flags == "m":
            for k, v in value.items():
                entry = _field(1, 2, k.encode()) + _field(
                    2, 2, v.encode() if kind == "str" else encode(kind, {"string": v})
                )
                out += _field(number, 2, entry)
            continue
        for item in value if flags == "r" else [value]:
            if kind == "str":
                out += _field(number, 2, item.encode())
            elif kind in ("int", "bool"):
                out += _field(number, 0, _varint(int(item)))
            else:
                out += _field(number, 2, encode(kind, item))
    return out


NODE_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "node-debugger-x", "labels": {"a": "b"}},
    "spec": {
        "containers": [
            {
                "name": "debugger",
                "image": "busybox",
                "command": ["sleep", "60"],
                "stdin": True,
                "terminationMessagePolicy": "File",
                "volumeMounts": [{"name": "host-root", "mountPath": "/host"}],
                "securityContext": {
                    "privileged": True,
                    "runAsUser": 0,
                    "capabilities": {"add": ["SYS_PTRACE"]},
                },
            }
        ],
        "nodeName": "sandbox-node-1",
        "restartPolicy": "Never",
        "hostPID": True,
        "hostNetwork": True,
        "priority": 0,
        "volumes": [{"name": "host-root", "hostPath": {"path": "/"}}],
        "tolerations": [{"operator": "Exists", "tolerationSeconds": 5}],
    },
}


def frame(kind: str, obj: dict[str, Any]) -> bytes:
    raw = encode(kind, obj)
    unknown = _field(1, 2, _field(1, 2, b"v1") + _field(2, 2, kind.encode())) + _field(2, 2, raw)
    return protobuf.MAGIC + unknown


def test_decode_matches_the_json_shape() -> None:
    decoded = protobuf.decode_object(frame("Pod", NODE_POD), "Pod")
    assert decoded == NODE_POD


def test_garbage_is_an_error_not_a_crash() -> None:
    for body in (b"", b"k8s\x00\xff\xff", b"k8s\x00" + b"\x0a\x50abc", b"nope"):
        with pytest.raises(protobuf.ProtobufError):
            protobuf.decode_object(body, "Pod")


async def test_protobuf_create_and_delete_options(api: Api) -> None:
    async with api.session.post(
        api.sb.url + "/api/v1/namespaces/default/pods",
        data=frame("Pod", NODE_POD),
        headers={
            "Authorization": f"Bearer {api.sb.admin_token}",
            "Content-Type": protobuf.MEDIA_TYPE,
        },
    ) as r:
        assert r.status == 201, await r.text()
        created = await r.json()
    assert created["spec"]["containers"][0]["securityContext"]["runAsUser"] == 0
    await wait_pod(
        api.sb, "default", "node-debugger-x", lambda p: running(p, "debugger"), what="running"
    )
    options = frame("DeleteOptions", {"gracePeriodSeconds": 0})
    async with api.session.delete(
        api.sb.url + "/api/v1/namespaces/default/pods/node-debugger-x",
        data=options,
        headers={
            "Authorization": f"Bearer {api.sb.admin_token}",
            "Content-Type": protobuf.MEDIA_TYPE,
        },
    ) as r:
        assert r.status == 200
        assert (await r.json())["metadata"]["deletionGracePeriodSeconds"] == 0
    await wait_pod(api.sb, "default", "node-debugger-x", lambda p: p is None, what="deleted")
    async with api.session.post(
        api.sb.url + "/api/v1/namespaces/default/pods",
        data=b"k8s\x00\x0a\x99",
        headers={
            "Authorization": f"Bearer {api.sb.admin_token}",
            "Content-Type": protobuf.MEDIA_TYPE,
        },
    ) as r:
        assert r.status == 400 and (await r.json())["kind"] == "Status"
