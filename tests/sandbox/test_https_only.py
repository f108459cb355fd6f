"""The sandbox serves its API over HTTPS only: no plain-http listener (issue 15 item 11).

Real API servers lost their insecure port in 1.20; a plain-http listener on loopback let any
local process talk to the sandbox without TLS, and let tests pass that a real server fails.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.sandbox.kubectl import Kubectl

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_one_listener_and_it_speaks_tls(shared_sandbox: Any) -> None:
    sb = shared_sandbox
    assert sb.url.startswith("https://127.0.0.1:") and sb.https_url == sb.url
    assert len(sb._runner.addresses) == 1  # the HTTPS site is the only one
    headers = {"Authorization": f"Bearer {sb.admin_token}"}
    plain = sb.url.replace("https://", "http://") + "/api/v1/pods"
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientError):
            async with session.get(plain, headers=headers) as r:
                await r.read()
                pytest.fail(f"plain http answered {r.status}")
    https = aiohttp.TCPConnector(ssl=sb.client_ssl_context())
    async with (
        aiohttp.ClientSession(connector=https) as session,
        session.get(sb.url + "/api/v1/pods", headers=headers) as r,
    ):
        assert r.status == 200


async def test_kubectl_works_through_the_written_kubeconfig(shared_kubectl: Kubectl) -> None:
    r = await shared_kubectl("get", "pods", "-n", "default", "-o", "name")
    assert r.code == 0, r.err
    assert "pod/multi" in r.out.split()
