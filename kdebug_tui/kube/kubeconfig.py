"""Finding, reading and merging kubeconfig files exactly the way kubectl does.

Rules (client-go `clientcmd` loading rules):
- an explicit `--kubeconfig` path is the only file read, and it must exist;
- else `KUBECONFIG` lists files joined by os.pathsep; missing ones are skipped; for every
  map (clusters, users, contexts) and for current-context the *first* file to set a key wins;
- else `~/.kube/config`;
- relative file references resolve against the directory of the file that defined them.
The user's kubeconfig is only ever read.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kdebug_tui.kube.errors import KubeError, sanitize

SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
IN_CLUSTER_CONTEXT = "in-cluster"


def default_kubeconfig_path() -> Path:
    return Path(os.path.expanduser("~")) / ".kube" / "config"


def load_kubeconfig_paths(explicit: str | os.PathLike[str] | None = None) -> list[Path]:
    """The kubeconfig files kubectl would read, in precedence order."""
    if explicit:
        return [Path(os.path.expanduser(os.fspath(explicit)))]
    env = os.environ.get("KUBECONFIG", "")
    if env:
        seen: list[Path] = []
        for part in env.split(os.pathsep):
            if part:
                path = Path(os.path.expanduser(part))
                if path not in seen:
                    seen.append(path)
        if seen:
            return seen
    return [default_kubeconfig_path()]


@dataclass(frozen=True)
class ContextInfo:
    """One context as the context picker shows it."""

    name: str
    cluster: str
    user: str
    namespace: str
    server: str


@dataclass
class ExecSpec:
    """users[].user.exec: a client-go credential plugin."""

    command: str
    args: list[str]
    env: dict[str, str]
    api_version: str
    install_hint: str
    provide_cluster_info: bool
    interactive_mode: str
    user: str
    source: Path | None


@dataclass
class ClusterSpec:
    name: str
    server: str
    ca_file: Path | None = None
    ca_data: bytes | None = field(default=None, repr=False)
    insecure: bool = False
    tls_server_name: str | None = None
    proxy_url: str | None = None


@dataclass
class UserSpec:
    """Credentials; every secret field is kept out of repr."""

    name: str
    token: str | None = field(default=None, repr=False)
    token_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None
    cert_data: bytes | None = field(default=None, repr=False)
    key_data: bytes | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    exec: ExecSpec | None = None


@dataclass
class ResolvedContext:
    info: ContextInfo
    cluster: ClusterSpec
    user: UserSpec
    in_cluster: bool = False


@dataclass
class KubeConfig:
    """The merged view of one or more kubeconfig files."""

    paths: list[Path]
    current_context: str = ""
    contexts: dict[str, dict[str, Any]] = field(default_factory=dict)
    clusters: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    origin: dict[tuple[str, str], Path] = field(default_factory=dict)
    in_cluster: bool = False

    def where(self) -> str:
        return os.pathsep.join(str(p) for p in self.paths) or "(no kubeconfig)"

    def context_infos(self) -> list[ContextInfo]:
        infos = []
        for name in sorted(self.contexts):
            ctx = self.contexts[name]
            cluster = self.clusters.get(ctx.get("cluster", ""), {})
            infos.append(
                ContextInfo(
                    name=name,
                    cluster=str(ctx.get("cluster", "")),
                    user=str(ctx.get("user", "")),
                    namespace=str(ctx.get("namespace") or "default"),
                    server=str(cluster.get("server", "")),
                )
            )
        return infos


def _named_list(doc: dict[str, Any], key: str, path: Path) -> list[tuple[str, dict[str, Any]]]:
    items = doc.get(key) or []
    if not isinstance(items, list):
        raise KubeError(
            "Invalid kubeconfig",
            f"{path}: '{key}' must be a list",
            reason="Kubeconfig",
        )
    out = []
    singular = key[:-1]
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise KubeError(
                "Invalid kubeconfig",
                f"{path}: every entry of '{key}' needs a name",
                reason="Kubeconfig",
            )
        body = item.get(singular) or {}
        if not isinstance(body, dict):
            raise KubeError(
                "Invalid kubeconfig",
                f"{path}: {singular} {sanitize(item['name'])!r} is not a mapping",
                reason="Kubeconfig",
            )
        out.append((item["name"], body))
    return out


def _read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise KubeError(
            "Invalid kubeconfig", f"{path} is not UTF-8 text", reason="Kubeconfig"
        ) from exc
    except OSError as exc:
        raise KubeError(
            "Cannot read kubeconfig",
            f"{path}: {sanitize(exc.strerror or exc)}",
            reason="Kubeconfig",
        ) from exc
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise KubeError(
            "Invalid kubeconfig",
            f"{path} is not valid YAML{where}",
            reason="Kubeconfig",
            hint="fix or regenerate the file (kubectl config view shows what kubectl reads)",
        ) from exc
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise KubeError(
            "Invalid kubeconfig",
            f"{path} is not a kubeconfig (expected a mapping at the top level)",
            reason="Kubeconfig",
        )
    return doc


def in_cluster_available() -> bool:
    return (
        bool(os.environ.get("KUBERNETES_SERVICE_HOST"))
        and (SERVICE_ACCOUNT_DIR / "token").is_file()
    )


def load_kubeconfig(explicit: str | os.PathLike[str] | None = None) -> KubeConfig:
    """Read and merge the kubeconfig files; fall back to in-cluster config inside a pod."""
    paths = load_kubeconfig_paths(explicit)
    if explicit and not paths[0].exists():
        raise KubeError(
            "Kubeconfig not found",
            f"{paths[0]} does not exist",
            reason="Kubeconfig",
            hint="check the --kubeconfig path",
        )
    existing = [p for p in paths if p.exists()]
    merged = KubeConfig(paths=existing)
    for path in existing:
        doc = _read_file(path)
        if not merged.current_context and isinstance(doc.get("current-context"), str):
            merged.current_context = doc["current-context"]
        for key, target in (
            ("clusters", merged.clusters),
            ("users", merged.users),
            ("contexts", merged.contexts),
        ):
            for name, body in _named_list(doc, key, path):
                if name not in target:
                    target[name] = body
                    merged.origin[(key, name)] = path
    if not merged.contexts and in_cluster_available():
        return KubeConfig(paths=[], current_context=IN_CLUSTER_CONTEXT, in_cluster=True)
    return merged


def _decode(value: Any, what: str, where: str) -> bytes:
    try:
        return base64.b64decode(str(value), validate=False)
    except (binascii.Error, ValueError) as exc:
        raise KubeError(
            "Invalid kubeconfig",
            f"{what} in {where} is not valid base64",
            reason="Kubeconfig",
        ) from exc


def _rel(value: Any, base: Path | None) -> Path:
    path = Path(os.path.expanduser(str(value)))
    if not path.is_absolute() and base is not None:
        path = base.parent / path
    return path


def _resolve_in_cluster(namespace: str | None) -> ResolvedContext:
    host = os.environ.get("KUBERNETES_SERVICE_HOST", "")
    port = os.environ.get("KUBERNETES_SERVICE_PORT", "443")
    if ":" in host:
        host = f"[{host}]"
    server = f"https://{host}:{port}"
    ns_file = SERVICE_ACCOUNT_DIR / "namespace"
    ns = namespace or (ns_file.read_text().strip() if ns_file.is_file() else "") or "default"
    ca = SERVICE_ACCOUNT_DIR / "ca.crt"
    info = ContextInfo(IN_CLUSTER_CONTEXT, IN_CLUSTER_CONTEXT, "serviceaccount", ns, server)
    return ResolvedContext(
        info=info,
        cluster=ClusterSpec(IN_CLUSTER_CONTEXT, server, ca_file=ca if ca.is_file() else None),
        user=UserSpec("serviceaccount", token_file=SERVICE_ACCOUNT_DIR / "token"),
        in_cluster=True,
    )


def resolve_context(config: KubeConfig, context: str | None = None) -> ResolvedContext:
    """Pick a context (given, else current-context) and resolve its cluster and user."""
    if config.in_cluster and context in (None, IN_CLUSTER_CONTEXT):
        return _resolve_in_cluster(None)
    name = context or config.current_context
    if not name:
        if not config.paths:
            raise KubeError(
                "No kubeconfig",
                "no kubeconfig file was found and this is not running inside a pod",
                reason="Kubeconfig",
                hint="pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config "
                "(or try `kdebug-tui --demo`)",
            )
        raise KubeError(
            "No current context",
            f"{config.where()} sets no current-context",
            reason="Kubeconfig",
            hint="pick one with --context or `kubectl config use-context NAME`",
        )
    ctx = config.contexts.get(name)
    if ctx is None:
        known = ", ".join(sorted(config.contexts)[:10]) or "none"
        raise KubeError(
            "Unknown context",
            f"context {sanitize(name)!r} is not defined in {config.where()}",
            reason="Kubeconfig",
            hint=f"known contexts: {known}",
        )
    cluster_name = str(ctx.get("cluster", ""))
    user_name = str(ctx.get("user", ""))
    cluster = config.clusters.get(cluster_name)
    if cluster is None or not cluster.get("server"):
        raise KubeError(
            "Invalid kubeconfig",
            f"context {name!r} refers to cluster {cluster_name!r}, which is not defined "
            f"(or has no server) in {config.where()}",
            reason="Kubeconfig",
        )
    cbase = config.origin.get(("clusters", cluster_name))
    cspec = ClusterSpec(
        name=cluster_name,
        server=str(cluster["server"]).rstrip("/"),
        insecure=bool(cluster.get("insecure-skip-tls-verify", False)),
        tls_server_name=cluster.get("tls-server-name") or None,
        proxy_url=cluster.get("proxy-url") or None,
    )
    if cluster.get("certificate-authority-data"):
        cspec.ca_data = _decode(
            cluster["certificate-authority-data"],
            "certificate-authority-data",
            f"cluster {cluster_name!r}",
        )
    elif cluster.get("certificate-authority"):
        cspec.ca_file = _rel(cluster["certificate-authority"], cbase)

    user = config.users.get(user_name, {}) if user_name else {}
    if user_name and user_name not in config.users:
        raise KubeError(
            "Invalid kubeconfig",
            f"context {name!r} refers to user {user_name!r}, which is not defined in "
            f"{config.where()}",
            reason="Kubeconfig",
        )
    ubase = config.origin.get(("users", user_name))
    uspec = UserSpec(name=user_name)
    where = f"user {user_name!r}"
    if user.get("token"):
        uspec.token = str(user["token"])
    elif user.get("tokenFile"):
        uspec.token_file = _rel(user["tokenFile"], ubase)
    if user.get("client-certificate-data"):
        uspec.cert_data = _decode(user["client-certificate-data"], "client-certificate-data", where)
    elif user.get("client-certificate"):
        uspec.cert_file = _rel(user["client-certificate"], ubase)
    if user.get("client-key-data"):
        uspec.key_data = _decode(user["client-key-data"], "client-key-data", where)
    elif user.get("client-key"):
        uspec.key_file = _rel(user["client-key"], ubase)
    if user.get("username"):
        uspec.username = str(user["username"])
        uspec.password = str(user.get("password", ""))
    provider = user.get("auth-provider")
    if isinstance(provider, dict) and not uspec.token:
        # Legacy auth providers: use a cached id/access token if one is there.
        cfg = provider.get("config") or {}
        token = cfg.get("id-token") or cfg.get("access-token")
        if token:
            uspec.token = str(token)
    exec_cfg = user.get("exec")
    if isinstance(exec_cfg, dict):
        uspec.exec = _exec_spec(exec_cfg, user_name, ubase)
    info = ContextInfo(
        name=name,
        cluster=cluster_name,
        user=user_name,
        namespace=str(ctx.get("namespace") or "default"),
        server=cspec.server,
    )
    return ResolvedContext(info=info, cluster=cspec, user=uspec)


def _exec_spec(cfg: dict[str, Any], user: str, base: Path | None) -> ExecSpec:
    command = str(cfg.get("command") or "")
    if not command:
        raise KubeError(
            "Invalid kubeconfig",
            f"user {user!r}: exec plugin has no command",
            reason="Kubeconfig",
        )
    if os.path.basename(command) != command:
        # client-go resolves a command containing a path separator against the file's dir.
        command = str(_rel(command, base))
    env = {}
    for item in cfg.get("env") or []:
        if isinstance(item, dict) and "name" in item:
            env[str(item["name"])] = str(item.get("value", ""))
    return ExecSpec(
        command=command,
        args=[str(a) for a in cfg.get("args") or []],
        env=env,
        api_version=str(cfg.get("apiVersion") or "client.authentication.k8s.io/v1beta1"),
        install_hint=str(cfg.get("installHint") or ""),
        provide_cluster_info=bool(cfg.get("provideClusterInfo", False)),
        interactive_mode=str(cfg.get("interactiveMode") or "IfAvailable"),
        user=user,
        source=base,
    )
