"""Kubeconfig files found, read and merged the way kubectl does it."""
# ruff: noqa: E501  (inline kubeconfig YAML reads better unwrapped)

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kdebug_tui.kube import kubeconfig as kc
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.kubeconfig import load_kubeconfig, load_kubeconfig_paths, resolve_context


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


FIRST = """
apiVersion: v1
kind: Config
current-context: one
clusters:
- name: shared
  cluster: {server: "https://first.example:6443", certificate-authority: certs/ca.crt}
users:
- name: alice
  user: {token: first-token}
contexts:
- name: one
  context: {cluster: shared, user: alice, namespace: team-a}
- name: both
  context: {cluster: shared, user: alice}
"""

SECOND = """
apiVersion: v1
kind: Config
current-context: two
clusters:
- name: shared
  cluster: {server: "https://second.example:6443"}
- name: other
  cluster: {server: "https://other.example/", tls-server-name: api.internal, proxy-url: "http://proxy:3128", insecure-skip-tls-verify: true}
users:
- name: alice
  user: {token: second-token}
- name: bob
  user: {client-certificate: bob.crt, client-key: /abs/bob.key, tokenFile: tok}
contexts:
- name: two
  context: {cluster: other, user: bob, namespace: team-b}
- name: both
  context: {cluster: other, user: bob}
"""


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    return home


def test_paths_explicit_beats_env(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBECONFIG", "/a:/b")
    assert load_kubeconfig_paths("/x/config") == [Path("/x/config")]


def test_paths_from_env_in_order_without_duplicates(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join(["/a", "", "/b", "/a", "~/c"]))
    assert load_kubeconfig_paths(None) == [Path("/a"), Path("/b"), clean_env / "c"]


def test_paths_default(clean_env: Path) -> None:
    assert load_kubeconfig_paths(None) == [clean_env / ".kube" / "config"]


def test_merge_first_file_wins(
    clean_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write(tmp_path / "a" / "config", FIRST)
    second = write(tmp_path / "b" / "config", SECOND)
    missing = tmp_path / "nope" / "config"
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(missing), str(first), str(second)]))
    config = load_kubeconfig()
    assert config.paths == [first, second]  # a missing file in KUBECONFIG is skipped
    assert config.current_context == "one"  # the first file that sets it
    assert config.clusters["shared"]["server"] == "https://first.example:6443"
    assert config.users["alice"]["token"] == "first-token"
    assert config.contexts["both"]["user"] == "alice"
    assert set(config.contexts) == {"one", "two", "both"}
    infos = {c.name: c for c in config.context_infos()}
    assert infos["one"] == kc.ContextInfo(
        "one", "shared", "alice", "team-a", "https://first.example:6443"
    )
    assert infos["two"].namespace == "team-b" and infos["two"].server == "https://other.example/"
    assert infos["both"].namespace == "default"

    one = resolve_context(config, None)
    assert one.info.name == "one"
    assert one.cluster.ca_file == tmp_path / "a" / "certs" / "ca.crt"  # relative to its file
    assert one.user.token == "first-token"

    two = resolve_context(config, "two")
    assert two.cluster.server == "https://other.example"
    assert two.cluster.tls_server_name == "api.internal"
    assert two.cluster.proxy_url == "http://proxy:3128"
    assert two.cluster.insecure
    assert two.user.cert_file == tmp_path / "b" / "bob.crt"
    assert two.user.key_file == Path("/abs/bob.key")
    assert two.user.token_file == tmp_path / "b" / "tok"


def test_explicit_file_is_the_only_one(
    clean_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write(tmp_path / "a" / "config", FIRST)
    second = write(tmp_path / "b" / "config", SECOND)
    monkeypatch.setenv("KUBECONFIG", str(first))
    config = load_kubeconfig(second)
    assert config.current_context == "two"
    assert "one" not in config.contexts


def test_missing_explicit_file(clean_env: Path, tmp_path: Path) -> None:
    with pytest.raises(KubeError) as info:
        load_kubeconfig(tmp_path / "absent")
    assert str(tmp_path / "absent") in info.value.message
    assert info.value.hint


def test_garbled_yaml_names_file_and_line(clean_env: Path, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad", "apiVersion: v1\nclusters:\n  - name: [unclosed\n")
    with pytest.raises(KubeError) as info:
        load_kubeconfig(bad)
    assert info.value.title == "Invalid kubeconfig"
    assert str(bad) in info.value.message and "line" in info.value.message


@pytest.mark.parametrize(
    "text",
    [
        "just a string\n",
        "clusters: 5\n",
        "contexts:\n- nameless: 1\n",
        "users:\n- name: u\n  user: [1]\n",
    ],
)
def test_wrong_shapes_are_clear_errors(clean_env: Path, tmp_path: Path, text: str) -> None:
    path = write(tmp_path / "odd", text)
    with pytest.raises(KubeError) as info:
        load_kubeconfig(path)
    assert str(path) in info.value.message


def test_unknown_context_names_it_and_lists_known(clean_env: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "config", FIRST)
    with pytest.raises(KubeError) as info:
        resolve_context(load_kubeconfig(path), "prod")
    assert "'prod'" in info.value.message and str(path) in info.value.message
    assert info.value.hint is not None and "both" in info.value.hint and "one" in info.value.hint


def test_context_pointing_at_missing_cluster_or_user(clean_env: Path, tmp_path: Path) -> None:
    path = write(
        tmp_path / "config",
        "contexts:\n- name: c\n  context: {cluster: ghost, user: nobody}\ncurrent-context: c\n",
    )
    with pytest.raises(KubeError) as info:
        resolve_context(load_kubeconfig(path), None)
    assert "'ghost'" in info.value.message


def test_no_kubeconfig_at_all(clean_env: Path) -> None:
    with pytest.raises(KubeError) as info:
        resolve_context(load_kubeconfig(None), None)
    assert info.value.title == "No kubeconfig"
    assert info.value.hint is not None and "--kubeconfig" in info.value.hint


def test_in_cluster_when_no_kubeconfig(
    clean_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sa = tmp_path / "sa"
    write(sa / "token", "sa-token\n")
    write(sa / "namespace", "kube-tools")
    write(sa / "ca.crt", "not really a cert")
    monkeypatch.setattr(kc, "SERVICE_ACCOUNT_DIR", sa)
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "443")
    config = load_kubeconfig(None)
    assert config.in_cluster
    resolved = resolve_context(config, None)
    assert resolved.in_cluster
    assert resolved.info.server == "https://10.96.0.1:443"
    assert resolved.info.namespace == "kube-tools"
    assert resolved.user.token_file == sa / "token"
    assert resolved.cluster.ca_file == sa / "ca.crt"


def test_inline_data_is_decoded_and_secrets_stay_out_of_repr(
    clean_env: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "config",
        "current-context: c\n"
        "clusters:\n- name: k\n  cluster: {server: 'https://k', certificate-authority-data: Q0EtREFUQQ==}\n"
        "users:\n- name: u\n  user: {token: SUPER-SECRET, client-key-data: S0VZ, client-certificate-data: Q0VSVA==}\n"
        "contexts:\n- name: c\n  context: {cluster: k, user: u}\n",
    )
    resolved = resolve_context(load_kubeconfig(path), None)
    assert resolved.cluster.ca_data == b"CA-DATA"
    assert (resolved.user.cert_data, resolved.user.key_data) == (b"CERT", b"KEY")
    assert "SUPER-SECRET" not in repr(resolved) and "KEY" not in repr(resolved.user)


def test_exec_command_with_a_path_resolves_against_the_file(
    clean_env: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "d" / "config",
        "current-context: c\nclusters:\n- name: k\n  cluster: {server: 'https://k'}\n"
        "users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
        "      command: ./bin/plugin\n      args: [a]\n      env: [{name: X, value: '1'}]\n"
        "      installHint: get it\n"
        "- name: v\n  user:\n    exec: {command: aws, apiVersion: client.authentication.k8s.io/v1beta1}\n"
        "contexts:\n- name: c\n  context: {cluster: k, user: u}\n- name: d\n  context: {cluster: k, user: v}\n",
    )
    config = load_kubeconfig(path)
    spec = resolve_context(config, "c").user.exec
    assert spec is not None
    assert spec.command == str(tmp_path / "d" / "bin" / "plugin")
    assert (spec.args, spec.env, spec.install_hint) == (["a"], {"X": "1"}, "get it")
    plain = resolve_context(config, "d").user.exec
    assert plain is not None and plain.command == "aws"  # looked up on PATH, like kubectl


@pytest.mark.kubectl
@pytest.mark.parametrize("order", [("a", "b"), ("b", "a"), ("a",), ("missing", "b", "a")])
def test_merge_agrees_with_kubectl(
    kubectl_path: str,
    clean_env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    order: tuple[str, ...],
) -> None:
    import json
    import subprocess

    write(tmp_path / "a" / "config", FIRST)
    write(tmp_path / "b" / "config", SECOND)
    joined = os.pathsep.join(str(tmp_path / name / "config") for name in order)
    monkeypatch.setenv("KUBECONFIG", joined)
    view = json.loads(
        subprocess.run(
            [kubectl_path, "config", "view", "-o", "json"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
    )
    ours = load_kubeconfig()
    assert ours.current_context == view.get("current-context", "")
    theirs_contexts = {
        c["name"]: (c["context"]["cluster"], c["context"]["user"], c["context"].get("namespace"))
        for c in view["contexts"]
    }
    ours_contexts = {
        name: (ctx["cluster"], ctx["user"], ctx.get("namespace"))
        for name, ctx in ours.contexts.items()
    }
    assert ours_contexts == theirs_contexts
    theirs_servers = {c["name"]: c["cluster"]["server"] for c in view["clusters"]}
    assert {n: c["server"] for n, c in ours.clusters.items()} == theirs_servers
    assert set(ours.users) == {u["name"] for u in view["users"]}
