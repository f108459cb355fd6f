"""KubeSession over real HTTP(S): credentials, TLS, context switches, exec plugins, secrecy."""

from __future__ import annotations

import base64
import json
import logging
import ssl
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.session import KubeSession
from tests.kube.fake_api import FakeApi
from tests.kube.tls import TlsFiles, make_client_cert, make_tls

SECRET = "SECRET-TOKEN-A-0123456789"


def b64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode()


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls(tmp_path_factory.mktemp("tls"), server_names="DNS:kube.test")


@pytest.fixture
async def tls_api(tls: TlsFiles) -> AsyncIterator[FakeApi]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls.server_crt, tls.server_key)
    context.load_verify_locations(tls.ca)
    context.verify_mode = ssl.CERT_OPTIONAL
    async with FakeApi(context) as api:
        yield api


def tls_kubeconfig(path: Path, api: FakeApi, tls: TlsFiles) -> Path:
    """Contexts on one TLS server: with-token, with-cert (inline), insecure, bad-name."""
    path.write_text(
        f"""apiVersion: v1
kind: Config
current-context: with-token
clusters:
- name: tls
  cluster:
    server: {api.url}
    certificate-authority-data: {b64(tls.ca)}
    tls-server-name: kube.test
- name: tls-by-ip
  cluster:
    server: {api.url}
    certificate-authority: {tls.ca}
- name: tls-insecure
  cluster:
    server: {api.url}
    insecure-skip-tls-verify: true
users:
- name: token-user
  user:
    token: {SECRET}
- name: cert-user
  user:
    client-certificate-data: {b64(tls.client_crt)}
    client-key-data: {b64(tls.client_key)}
- name: cert-files
  user:
    client-certificate: {tls.client_crt}
    client-key: {tls.client_key}
contexts:
- name: with-token
  context: {{cluster: tls, user: token-user, namespace: ns-token}}
- name: with-cert
  context: {{cluster: tls, user: cert-user, namespace: ns-cert}}
- name: cert-files
  context: {{cluster: tls, user: cert-files}}
- name: bad-name
  context: {{cluster: tls-by-ip, user: token-user}}
- name: insecure
  context: {{cluster: tls-insecure, user: cert-files}}
"""
    )
    return path


async def test_no_old_token_after_switching_to_a_cert_context(
    tls_api: FakeApi, tls: TlsFiles, tmp_path: Path
) -> None:
    path = tls_kubeconfig(tmp_path / "kc", tls_api, tls)
    before = path.read_bytes()
    async with await KubeSession.open(path) as session:
        assert (session.context, session.namespace, session.user) == (
            "with-token",
            "ns-token",
            "token-user",
        )
        await session.request_json("GET", "/api/v1/namespaces/ns-token/pods")
        await session.core.list_namespaced_pod("ns-token", _preload_content=False)
        old_api = session.api
        token_requests = len(tls_api.requests)

        await session.switch(context="with-cert")
        assert (session.context, session.namespace, session.user) == (
            "with-cert",
            "ns-cert",
            "cert-user",
        )
        assert session.api is not old_api
        await session.request_json("GET", "/api/v1/namespaces/ns-cert/pods")
        await session.core.list_namespaced_pod("ns-cert", _preload_content=False)
        await session.request_json(
            "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            body={"spec": {"resourceAttributes": {"verb": "get", "resource": "pods"}}},
        )  # fmt: skip
        # The old client is closed: nothing can go out with the old token any more.
        with pytest.raises(RuntimeError):
            await old_api.rest_client.pool_manager.get(tls_api.url)

    first, after = tls_api.requests[:token_requests], tls_api.requests[token_requests:]
    assert token_requests == 2 and len(after) == 3
    assert all(r.authorization == f"Bearer {SECRET}" and r.client_cn is None for r in first)
    assert all(r.authorization is None for r in after), [r.authorization for r in after]
    assert all(r.client_cn == "cert-user" for r in after)
    assert all(r.headers.get("User-Agent", "").startswith("kdebug-tui/") for r in after)
    assert path.read_bytes() == before  # the kubeconfig is never written


async def test_cert_files_and_insecure(tls_api: FakeApi, tls: TlsFiles, tmp_path: Path) -> None:
    path = tls_kubeconfig(tmp_path / "kc", tls_api, tls)
    for context in ("cert-files", "insecure"):
        async with await KubeSession.open(path, context=context) as session:
            await session.request_json("GET", "/api/v1/pods")
        assert tls_api.requests[-1].client_cn == "cert-user"
        assert tls_api.requests[-1].authorization is None


async def test_server_name_mismatch_is_a_tls_verification_error(
    tls_api: FakeApi, tls: TlsFiles, tmp_path: Path
) -> None:
    # The server certificate names kube.test only; without tls-server-name, 127.0.0.1 fails.
    path = tls_kubeconfig(tmp_path / "kc", tls_api, tls)
    async with await KubeSession.open(path, context="bad-name") as session:
        with pytest.raises(KubeError) as info:
            await session.request_json("GET", "/api/v1/pods")
    assert info.value.title == "TLS verification failed"
    assert tls_api.url in info.value.message
    assert SECRET not in info.value.describe()


async def test_namespace_switch_keeps_the_clients(
    tls_api: FakeApi, tls: TlsFiles, tmp_path: Path
) -> None:
    path = tls_kubeconfig(tmp_path / "kc", tls_api, tls)
    async with await KubeSession.open(path, namespace="given") as session:
        assert session.namespace == "given"
        api, generation = session.api, session.generation
        await session.switch(namespace="other")
        assert (session.namespace, session.api, session.generation) == ("other", api, generation)
        names = [c.name for c in session.contexts]
        assert names == ["bad-name", "cert-files", "insecure", "with-cert", "with-token"]
        assert session.context_info.server == tls_api.url


async def test_failed_switch_leaves_the_session_working(
    tls_api: FakeApi, tls: TlsFiles, tmp_path: Path
) -> None:
    path = tls_kubeconfig(tmp_path / "kc", tls_api, tls)
    async with await KubeSession.open(path) as session:
        with pytest.raises(KubeError) as info:
            await session.switch(context="nope")
        assert "'nope'" in info.value.message
        assert session.context == "with-token"
        await session.request_json("GET", "/api/v1/pods")


async def test_closed_session_says_so(tls_api: FakeApi, tls: TlsFiles, tmp_path: Path) -> None:
    session = await KubeSession.open(tls_kubeconfig(tmp_path / "kc", tls_api, tls))
    await session.close()
    with pytest.raises(KubeError):
        _ = session.api
    assert repr(session) == "KubeSession(closed)"


async def test_token_file_and_basic_auth(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("from-a-file\n")
    async with FakeApi() as api:
        path = tmp_path / "kc"
        path.write_text(
            f"current-context: f\nclusters:\n- name: k\n  cluster: {{server: '{api.url}'}}\n"
            "users:\n- name: f\n  user: {tokenFile: token}\n"
            "- name: b\n  user: {username: admin, password: pw}\n"
            "contexts:\n- name: f\n  context: {cluster: k, user: f}\n"
            "- name: b\n  context: {cluster: k, user: b}\n"
        )
        async with await KubeSession.open(path) as session:
            await session.request_json("GET", "/api/v1/pods")
            await session.switch(context="b")
            await session.request_json("GET", "/api/v1/pods")
    assert api.requests[0].authorization == "Bearer from-a-file"
    assert api.requests[1].authorization == "Basic " + base64.b64encode(b"admin:pw").decode()


async def test_proxy_url_is_used(tmp_path: Path) -> None:
    async with FakeApi() as proxy:
        path = tmp_path / "kc"
        path.write_text(
            "current-context: c\nclusters:\n- name: k\n"
            f"  cluster: {{server: 'http://kube.invalid:6443', proxy-url: '{proxy.url}'}}\n"
            "users:\n- name: u\n  user: {token: t}\n"
            "contexts:\n- name: c\n  context: {cluster: k, user: u}\n"
        )
        async with await KubeSession.open(path) as session:
            await session.request_json("GET", "/api/v1/pods")
    assert proxy.requests[0].headers.get("Host") == "kube.invalid:6443"


async def test_socks_proxy_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "kc"
    path.write_text(
        "current-context: c\nclusters:\n- name: k\n"
        "  cluster: {server: 'https://k', proxy-url: 'socks5://localhost:1080'}\n"
        "contexts:\n- name: c\n  context: {cluster: k}\n"
    )
    with pytest.raises(KubeError) as info:
        await KubeSession.open(path)
    assert info.value.title == "Unsupported proxy"


async def test_missing_client_cert_file(tmp_path: Path) -> None:
    path = tmp_path / "kc"
    path.write_text(
        "current-context: c\nclusters:\n- name: k\n  cluster: {server: 'https://k'}\n"
        "users:\n- name: u\n  user: {client-certificate: nope.crt, client-key: nope.key}\n"
        "contexts:\n- name: c\n  context: {cluster: k, user: u}\n"
    )
    with pytest.raises(KubeError) as info:
        await KubeSession.open(path)
    assert "user 'u'" in info.value.message and str(tmp_path / "nope.crt") in info.value.message


# ---------------------------------------------------------------------------------------
# Exec credential plugins: a tiny Python script plays the plugin.

PLUGIN = r"""
import datetime, json, os, pathlib, sys, time
state = pathlib.Path(os.environ["PLUGIN_STATE"])
n = int(state.read_text()) + 1 if state.exists() else 1
state.write_text(str(n))
info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
pathlib.Path(str(state) + ".info").write_text(json.dumps(
    {"info": info, "argv": sys.argv[1:], "stdin": sys.stdin.read()}))
mode = os.environ.get("PLUGIN_MODE", "ok")
if mode == "sleep":
    time.sleep(30)
if mode == "fail":
    print("error: you must log in first", file=sys.stderr)
    sys.exit(3)
if mode == "garbage":
    print("token=" + os.environ["PLUGIN_SECRET"] + " {not json")
    sys.exit(0)
lifetime = float(os.environ.get("PLUGIN_LIFETIME", "3600"))
if mode == "cert":
    certs = pathlib.Path(os.environ["PLUGIN_CERTS"])
    status = {"clientCertificateData": (certs / f"user-{n}.crt").read_text(),
              "clientKeyData": (certs / f"user-{n}.key").read_text()}
    print(json.dumps({"apiVersion": info["apiVersion"], "kind": "ExecCredential",
                      "status": status}))
    sys.exit(0)
expiry = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=lifetime)
print(json.dumps({
    "apiVersion": info["apiVersion"], "kind": "ExecCredential",
    "status": {"token": f"exec-token-{n}",
               "expirationTimestamp": expiry.strftime("%Y-%m-%dT%H:%M:%SZ")}}))
"""


def exec_kubeconfig(
    tmp_path: Path,
    server: str,
    *,
    mode: str = "ok",
    lifetime: float = 3600,
    command: str | None = None,
    api_version: str = "client.authentication.k8s.io/v1",
    extra_env: dict[str, str] | None = None,
    cluster: dict[str, str] | None = None,
) -> Path:
    script = tmp_path / "plugin.py"
    script.write_text(PLUGIN)
    path = tmp_path / "kc"
    env = {
        "PLUGIN_STATE": str(tmp_path / "runs"),
        "PLUGIN_MODE": mode,
        "PLUGIN_LIFETIME": str(lifetime),
        "PLUGIN_SECRET": SECRET,
        **(extra_env or {}),
    }
    exec_cfg = {
        "apiVersion": api_version,
        "command": command or sys.executable,
        "args": [str(script), "--region", "eu"],
        "env": [{"name": k, "value": v} for k, v in env.items()],
        "provideClusterInfo": True,
        "installHint": "Install it with: pip install example-login",
        "interactiveMode": "Never",
    }
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": "c",
        "clusters": [{"name": "k", "cluster": {"server": server, **(cluster or {})}}],
        "users": [{"name": "sso-user", "user": {"exec": exec_cfg}}],
        "contexts": [{"name": "c", "context": {"cluster": "k", "user": "sso-user"}}],
    }
    path.write_text(json.dumps(doc))  # JSON is YAML
    return path


def runs(tmp_path: Path) -> int:
    state = tmp_path / "runs"
    return int(state.read_text()) if state.exists() else 0


async def test_exec_plugin_token_is_cached(tmp_path: Path) -> None:
    async with (
        FakeApi() as api,
        await KubeSession.open(exec_kubeconfig(tmp_path, api.url)) as session,
    ):
        for _ in range(3):
            await session.request_json("GET", "/api/v1/pods")
    assert [r.authorization for r in api.requests] == ["Bearer exec-token-1"] * 3
    assert runs(tmp_path) == 1
    seen = json.loads((tmp_path / "runs.info").read_text())
    assert seen["argv"] == ["--region", "eu"]
    assert seen["stdin"] == ""  # no terminal to prompt on
    assert seen["info"]["apiVersion"] == "client.authentication.k8s.io/v1"
    assert seen["info"]["kind"] == "ExecCredential"
    assert seen["info"]["spec"]["interactive"] is False
    assert seen["info"]["spec"]["cluster"]["server"] == api.url


async def test_expired_exec_credential_is_refreshed_before_use(tmp_path: Path) -> None:
    async with FakeApi() as api:
        path = exec_kubeconfig(tmp_path, api.url, lifetime=-60)  # already expired
        async with await KubeSession.open(path) as session:
            started = runs(tmp_path)
            await session.request_json("GET", "/api/v1/pods")
            await session.request_json("GET", "/api/v1/pods")
    assert runs(tmp_path) == started + 2
    tokens = [r.authorization for r in api.requests]
    assert tokens == [f"Bearer exec-token-{started + 1}", f"Bearer exec-token-{started + 2}"]


async def test_401_reruns_the_plugin_and_retries_once(tmp_path: Path) -> None:
    async with FakeApi() as api:
        api.answer_401_for = {"exec-token-1"}
        async with await KubeSession.open(exec_kubeconfig(tmp_path, api.url)) as session:
            pods = await session.request_json("GET", "/api/v1/pods")
            assert pods["kind"] == "PodList"
            listed = await session.core.list_pod_for_all_namespaces(_preload_content=False)
            assert listed.status == 200
    assert [r.authorization for r in api.requests] == [
        "Bearer exec-token-1",
        "Bearer exec-token-2",
        "Bearer exec-token-2",
    ]


async def test_401_twice_gives_up_with_a_hint(tmp_path: Path) -> None:
    async with FakeApi() as api:
        api.answer_401_for = {"exec-token-1", "exec-token-2", "exec-token-3"}
        async with await KubeSession.open(exec_kubeconfig(tmp_path, api.url)) as session:
            with pytest.raises(KubeError) as info:
                await session.request_json("GET", "/api/v1/pods")
    assert info.value.status == 401 and info.value.hint and "expired" in info.value.hint
    assert len(api.requests) == 2  # one retry, no loop


async def test_missing_plugin_says_what_to_install(tmp_path: Path) -> None:
    path = exec_kubeconfig(tmp_path, "http://127.0.0.1:1", command="kdebug-no-such-login-plugin")
    with pytest.raises(KubeError) as info:
        await KubeSession.open(path)
    err = info.value
    assert err.title == "Credential plugin not found"
    assert "'sso-user'" in err.message and "kdebug-no-such-login-plugin" in err.message
    assert err.hint == "Install it with: pip install example-login"


@pytest.mark.parametrize(
    ("mode", "title", "text"),
    [
        ("fail", "Credential plugin failed", "exited with code 3: error: you must log in first"),
        ("garbage", "Credential plugin failed", "did not print an ExecCredential"),
        ("sleep", "Credential plugin timed out", "did not answer within 0.5 s"),
    ],
)
async def test_broken_plugins(tmp_path: Path, mode: str, title: str, text: str) -> None:
    path = exec_kubeconfig(tmp_path, "http://127.0.0.1:1", mode=mode)
    with pytest.raises(KubeError) as info:
        await KubeSession.open(path, exec_timeout=0.5)
    assert info.value.title == title
    assert text in info.value.message
    assert SECRET not in info.value.describe()


async def test_unsupported_exec_api_version(tmp_path: Path) -> None:
    path = exec_kubeconfig(
        tmp_path, "http://127.0.0.1:1", api_version="client.authentication.k8s.io/v1alpha1"
    )
    with pytest.raises(KubeError) as info:
        await KubeSession.open(path)
    assert "v1alpha1" in info.value.message and runs(tmp_path) == 0


async def test_tokens_never_reach_logs_repr_or_errors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with FakeApi() as api:
        path = tmp_path / "kc"
        path.write_text(
            f"current-context: c\nclusters:\n- name: k\n  cluster: {{server: '{api.url}'}}\n"
            f"users:\n- name: u\n  user: {{token: {SECRET}}}\n"
            "contexts:\n- name: c\n  context: {cluster: k, user: u}\n"
        )
        api.answer_401_for = {SECRET}
        async with await KubeSession.open(path) as session:
            with pytest.raises(KubeError) as info:
                await session.request_json("GET", "/api/v1/pods")
            texts = [
                repr(session),
                str(session.contexts),
                repr(session.context_info),
                info.value.describe(),
                repr(info.value),
                info.value.full_text,
            ]
    assert api.requests[0].authorization == f"Bearer {SECRET}"  # it was sent...
    assert all(SECRET not in text for text in texts)  # ...and shown nowhere
    assert SECRET not in caplog.text
    assert len(api.requests) == 1  # a static token is not retried on 401


async def test_websocket_client_switches_credentials_too(tmp_path: Path) -> None:
    async with FakeApi() as api:
        path = tmp_path / "kc"
        path.write_text(
            f"current-context: a\nclusters:\n- name: k\n  cluster: {{server: '{api.url}'}}\n"
            "users:\n- name: a\n  user: {token: token-of-a}\n"
            "- name: b\n  user: {token: token-of-b}\n"
            "contexts:\n- name: a\n  context: {cluster: k, user: a}\n"
            "- name: b\n  context: {cluster: k, user: b}\n"
        )
        async with await KubeSession.open(path) as session:
            for context in ("a", "b"):
                await session.switch(context=context)
                connect = await session.ws.call_api(
                    "/api/v1/namespaces/default/pods/p/attach",
                    "GET",
                    query_params=[("container", "c"), ("stdin", "true")],
                    header_params={"sec-websocket-protocol": "v5.channel.k8s.io"},
                    auth_settings=["BearerToken"],
                    _preload_content=False,
                )
                # The fake answers JSON, not a websocket: the handshake fails after recording.
                with pytest.raises(aiohttp.WSServerHandshakeError):
                    async with connect:
                        pass
    attach = [r for r in api.requests if r.path.endswith("/attach")]
    assert [r.authorization for r in attach] == ["Bearer token-of-a", "Bearer token-of-b"]


async def test_401_retry_through_the_generated_client(tmp_path: Path) -> None:
    async with FakeApi() as api:
        api.answer_401_for = {"exec-token-1"}
        async with await KubeSession.open(exec_kubeconfig(tmp_path, api.url)) as session:
            result = await session.core.list_pod_for_all_namespaces()
            assert result.items == []
    assert [r.authorization for r in api.requests] == ["Bearer exec-token-1", "Bearer exec-token-2"]


async def test_in_cluster_service_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kdebug_tui.kube import kubeconfig as kc

    files = make_tls(tmp_path / "tls", server_names="IP:127.0.0.1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(files.server_crt, files.server_key)
    sa = tmp_path / "serviceaccount"
    sa.mkdir()
    (sa / "token").write_text("sa-token-1\n")
    (sa / "namespace").write_text("tools")
    (sa / "ca.crt").write_bytes(files.ca.read_bytes())
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setattr(kc, "SERVICE_ACCOUNT_DIR", sa)
    async with FakeApi(context) as api:
        port = api.url.rsplit(":", 1)[1]
        monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
        monkeypatch.setenv("KUBERNETES_SERVICE_PORT", port)
        async with await KubeSession.open() as session:
            assert (session.context, session.namespace, session.in_cluster) == (
                "in-cluster",
                "tools",
                True,
            )
            assert [c.name for c in session.contexts] == ["in-cluster"]
            await session.request_json("GET", "/api/v1/namespaces/tools/pods")
    assert api.requests[0].authorization == "Bearer sa-token-1"


async def test_garbage_certificate_data_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "kc"
    garbage = base64.b64encode(b"-----BEGIN CERTIFICATE-----\nnope\n").decode()
    path.write_text(
        "current-context: c\nclusters:\n- name: k\n  cluster: {server: 'https://k'}\n"
        f"users:\n- name: u\n  user: {{client-certificate-data: {garbage}, "
        f"client-key-data: {garbage}}}\n"
        "contexts:\n- name: c\n  context: {cluster: k, user: u}\n"
    )
    with pytest.raises(KubeError) as info:
        await KubeSession.open(path)
    assert info.value.title == "Invalid credentials"
    assert "context 'c'" in info.value.message


async def test_plugin_client_certificate_is_renewed_after_a_401(
    tls_api: FakeApi, tls: TlsFiles, tmp_path: Path
) -> None:
    certs = tmp_path / "certs"
    for n in (1, 2):
        make_client_cert(tls, certs, f"user-{n}")
    path = exec_kubeconfig(
        tmp_path,
        tls_api.url,
        mode="cert",
        extra_env={"PLUGIN_CERTS": str(certs)},
        cluster={"certificate-authority-data": b64(tls.ca), "tls-server-name": "kube.test"},
    )
    tls_api.reject_cns = {"user-1"}  # the first certificate has "expired"
    async with await KubeSession.open(path) as session:
        assert runs(tmp_path) == 1
        await session.request_json("GET", "/api/v1/pods")
        await session.request_json("GET", "/api/v1/pods")
    assert [r.client_cn for r in tls_api.requests] == ["user-1", "user-2", "user-2"]
    assert all(r.authorization is None for r in tls_api.requests)
    assert runs(tmp_path) == 2


def test_plugin_chatter_is_redacted() -> None:
    from kdebug_tui.kube.credentials import redact

    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJl"
    text = f'got {jwt}; Authorization: Bearer abc123; {{"token": "s3cr3t"}} password=hunter2 ok'
    cleaned = redact(text)
    for secret in (jwt, "abc123", "s3cr3t", "hunter2"):
        assert secret not in cleaned
    assert cleaned.startswith("got [redacted]") and cleaned.endswith(" ok")
