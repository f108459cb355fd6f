"""Which uid and gid a sandbox container's processes really have on this machine.

A non-root pod under the `restricted` level once ran with group 0 on the host (containerd's
default for a uid the image does not list); the sandbox gives such a process its uid as the
group unless the spec asks for group 0 itself (issue 15 item 11).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.sandbox.helpers import Api, container_state, wait_pod

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.skipif(os.geteuid() != 0, reason="only root can start processes as other users"),
]
NS = "secure"  # enforces the restricted Pod Security level
RESTRICTED = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}


@pytest.fixture
def api(shared_api: Api) -> Api:
    return shared_api


async def _ids_of(api: Api, name: str, **context: Any) -> str:
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {
            "restartPolicy": "Never",
            "containers": [
                {
                    "name": "app",
                    "image": "busybox",
                    "command": ["sh", "-c", 'echo "uid=$(id -u) gid=$(id -g)"'],
                    "securityContext": {**RESTRICTED, **context},
                }
            ],
        },
    }
    status, answer = await api.call("POST", f"/api/v1/namespaces/{NS}/pods", body=body)
    assert status == 201, answer
    await wait_pod(
        api.sb,
        NS,
        name,
        lambda p: "terminated" in container_state(p, "app").get("state", {}),
        what="id ran",
    )
    status, text = await api.get(f"/api/v1/namespaces/{NS}/pods/{name}/log")
    assert status == 200, text
    return str(text).strip()


async def test_non_root_without_run_as_group_does_not_get_group_0(api: Api) -> None:
    assert await _ids_of(api, "ids-default-group", runAsUser=1000) == "uid=1000 gid=1000"


async def test_run_as_group_is_honoured_even_when_it_is_0(api: Api) -> None:
    assert await _ids_of(api, "ids-group", runAsUser=1000, runAsGroup=3000) == ("uid=1000 gid=3000")
    assert await _ids_of(api, "ids-group-0", runAsUser=1000, runAsGroup=0) == "uid=1000 gid=0"
