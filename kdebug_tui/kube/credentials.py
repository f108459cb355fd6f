"""Bearer credentials: static tokens, token files, and client-go exec credential plugins.

Exec plugins (client.authentication.k8s.io v1 / v1beta1) are run with a timeout, stdin
closed (a full-screen app cannot host an interactive login), and their result is cached
until shortly before `expirationTimestamp`. Secrets never appear in repr or messages.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kdebug_tui.kube.errors import KubeError, sanitize
from kdebug_tui.kube.kubeconfig import ClusterSpec, ExecSpec, UserSpec

log = logging.getLogger(__name__)

# What a credential looks like in a plugin's chatter: JWTs, bearer headers, token fields.
_SECRETS = re.compile(
    r"eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*"
    r"|(?i:bearer)\s+\S+"
    r"|(?i:\"?(?:token|access_token|id_token|password)\"?\s*[:=]\s*)\"?[^\s\",]+"
)


def redact(text: str) -> str:
    """Hide anything in `text` that looks like a credential."""
    return _SECRETS.sub("[redacted]", text)


EXEC_API_VERSIONS = ("client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1")
REFRESH_MARGIN = 30.0  # seconds before expiry at which a cached credential is renewed
TOKEN_FILE_TTL = 60.0  # client-go re-reads token files about once a minute
PLUGIN_DOCS = (
    "https://kubernetes.io/docs/reference/access-authn-authz/authentication/"
    "#client-go-credential-plugins"
)


@dataclass
class Credential:
    token: str | None = field(default=None, repr=False)
    cert_data: bytes | None = field(default=None, repr=False)
    key_data: bytes | None = field(default=None, repr=False)
    expires_at: float | None = None
    fetched_at: float = field(default_factory=time.time)

    def fresh(self, now: float) -> bool:
        """Usable until shortly before expiry (half the lifetime for short-lived ones)."""
        if self.expires_at is None:
            return True
        margin = min(REFRESH_MARGIN, (self.expires_at - self.fetched_at) / 2)
        return now < self.expires_at - margin


def _parse_time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _exec_key(spec: ExecSpec, cluster: ClusterSpec) -> tuple[Any, ...]:
    return (
        spec.command,
        tuple(spec.args),
        tuple(sorted(spec.env.items())),
        spec.api_version,
        cluster.server if spec.provide_cluster_info else "",
    )


class ExecCredentials:
    """Runs exec plugins and caches their credentials (one per distinct plugin config)."""

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._cache: dict[tuple[Any, ...], Credential] = {}
        self._locks: dict[tuple[Any, ...], asyncio.Lock] = {}
        self.runs = 0  # how many times a plugin was started (for tests and diagnostics)

    def invalidate(self, spec: ExecSpec, cluster: ClusterSpec) -> None:
        self._cache.pop(_exec_key(spec, cluster), None)

    async def get(self, spec: ExecSpec, cluster: ClusterSpec) -> Credential:
        key = _exec_key(spec, cluster)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            cached = self._cache.get(key)
            if cached is not None and cached.fresh(time.time()):
                return cached
            cred = await self._run(spec, cluster)
            self._cache[key] = cred
            return cred

    def seed(self, spec: ExecSpec, cluster: ClusterSpec, cred: Credential) -> None:
        """Cache a credential obtained elsewhere (an interactive login run before the UI)."""
        self._cache[_exec_key(spec, cluster)] = cred

    def exec_info(self, spec: ExecSpec, cluster: ClusterSpec, *, interactive: bool) -> str:
        """KUBERNETES_EXEC_INFO for a run of this plugin."""
        return self._exec_info(spec, cluster, interactive=interactive)

    def parse(self, stdout: bytes, spec: ExecSpec) -> Credential:
        """The plugin's ExecCredential output as a Credential (KubeError when malformed)."""
        return self._parse(stdout, spec, f"user {spec.user!r}")

    def _exec_info(self, spec: ExecSpec, cluster: ClusterSpec, *, interactive: bool = False) -> str:
        info: dict[str, Any] = {
            "apiVersion": spec.api_version,
            "kind": "ExecCredential",
            "spec": {"interactive": interactive},
        }
        if spec.provide_cluster_info:
            cinfo: dict[str, Any] = {"server": cluster.server}
            if cluster.tls_server_name:
                cinfo["tls-server-name"] = cluster.tls_server_name
            if cluster.insecure:
                cinfo["insecure-skip-tls-verify"] = True
            if cluster.ca_data:
                cinfo["certificate-authority-data"] = base64.b64encode(cluster.ca_data).decode()
            info["spec"]["cluster"] = cinfo
        return json.dumps(info)

    async def _run(self, spec: ExecSpec, cluster: ClusterSpec) -> Credential:
        who = f"user {spec.user!r}"
        if spec.api_version not in EXEC_API_VERSIONS:
            raise KubeError(
                "Unsupported credential plugin",
                f"{who}: exec apiVersion {sanitize(spec.api_version)!r} is not supported",
                reason="ExecPlugin",
                hint="use client.authentication.k8s.io/v1 or v1beta1",
            )
        if spec.interactive_mode == "Always":
            raise KubeError(
                "Interactive login needed",
                f"{who}: the credential plugin {spec.command} always needs a terminal",
                reason="ExecPlugin",
                hint="run any kubectl command once to log in, then start kdebug-tui again",
            )
        env = dict(os.environ)
        env.update(spec.env)
        env["KUBERNETES_EXEC_INFO"] = self._exec_info(spec, cluster)
        self.runs += 1
        try:
            proc = await asyncio.create_subprocess_exec(
                spec.command,
                *spec.args,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except FileNotFoundError as exc:
            hint = spec.install_hint.strip() or (
                f"install the plugin, or fix users[{spec.user}].exec.command; see {PLUGIN_DOCS}"
            )
            raise KubeError(
                "Credential plugin not found",
                f"{who}: executable {spec.command!r} was not found "
                "(it looks like a client-go credential plugin that is not installed)",
                reason="ExecPlugin",
                hint=sanitize(hint, 600, keep_newlines=True),
            ) from exc
        except PermissionError as exc:
            raise KubeError(
                "Credential plugin not executable",
                f"{who}: {spec.command!r} cannot be run (permission denied)",
                reason="ExecPlugin",
            ) from exc
        try:
            stdout, stderr = await asyncio.wait_for(proc.communicate(), self.timeout)
        except TimeoutError as exc:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
            raise KubeError(
                "Credential plugin timed out",
                f"{who}: {spec.command!r} did not answer within {self.timeout:g} s",
                reason="ExecPlugin",
                hint="it may be waiting for an interactive login: run kubectl once first",
                retryable=True,
            ) from exc
        except asyncio.CancelledError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            raise
        if proc.returncode != 0:
            tail = sanitize(redact(stderr.decode("utf-8", "replace")[-600:]))
            raise KubeError(
                "Credential plugin failed",
                f"{who}: {spec.command!r} exited with code {proc.returncode}"
                + (f": {tail}" if tail else ""),
                reason="ExecPlugin",
            )
        return self._parse(stdout, spec, who)

    def _parse(self, stdout: bytes, spec: ExecSpec, who: str) -> Credential:
        try:
            doc = json.loads(stdout)
        except ValueError as exc:
            # Never echo the output: it may hold a token.
            raise KubeError(
                "Credential plugin failed",
                f"{who}: {spec.command!r} did not print an ExecCredential JSON object",
                reason="ExecPlugin",
            ) from exc
        if not isinstance(doc, dict) or doc.get("kind") != "ExecCredential":
            raise KubeError(
                "Credential plugin failed",
                f"{who}: {spec.command!r} printed something that is not an ExecCredential",
                reason="ExecPlugin",
            )
        if doc.get("apiVersion") != spec.api_version:
            raise KubeError(
                "Credential plugin failed",
                f"{who}: plugin answered with apiVersion "
                f"{sanitize(doc.get('apiVersion'), 80)!r}, expected {spec.api_version!r}",
                reason="ExecPlugin",
            )
        status = doc.get("status") or {}
        if not isinstance(status, dict):
            status = {}
        cred = Credential()
        if status.get("token"):
            cred.token = str(status["token"])
        if status.get("clientCertificateData") and status.get("clientKeyData"):
            cred.cert_data = str(status["clientCertificateData"]).encode()
            cred.key_data = str(status["clientKeyData"]).encode()
        if not cred.token and not cred.cert_data:
            raise KubeError(
                "Credential plugin failed",
                f"{who}: the ExecCredential has neither a token nor a client certificate",
                reason="ExecPlugin",
            )
        expiry = status.get("expirationTimestamp")
        if expiry:
            try:
                cred.expires_at = _parse_time(str(expiry))
            except ValueError:
                log.warning("%s: unparseable expirationTimestamp; not caching", who)
                cred.expires_at = 0.0
        return cred


class BearerAuth:
    """The bearer token source of one context, consulted before every request."""

    def __init__(self, user: UserSpec, cluster: ClusterSpec, execs: ExecCredentials) -> None:
        self._user = user
        self._cluster = cluster
        self._execs = execs
        self._file_token: str | None = None
        self._file_read_at = 0.0

    def __repr__(self) -> str:
        return f"BearerAuth(user={self._user.name!r})"

    @property
    def refreshable(self) -> bool:
        return self._user.exec is not None or self._user.token_file is not None

    def invalidate(self) -> None:
        if self._user.exec is not None:
            self._execs.invalidate(self._user.exec, self._cluster)
        self._file_read_at = 0.0

    async def exec_credential(self) -> Credential | None:
        if self._user.exec is None:
            return None
        return await self._execs.get(self._user.exec, self._cluster)

    async def token(self) -> str | None:
        if self._user.exec is not None:
            cred = await self._execs.get(self._user.exec, self._cluster)
            if cred.token:
                return cred.token
        if self._user.token:
            return self._user.token
        if self._user.token_file is not None:
            return self._read_token_file()
        return None

    def _read_token_file(self) -> str:
        now = time.monotonic()
        if self._file_token is not None and now - self._file_read_at < TOKEN_FILE_TTL:
            return self._file_token
        path = self._user.token_file
        assert path is not None
        try:
            self._file_token = path.read_text().strip()
        except OSError as exc:
            raise KubeError(
                "Cannot read token file",
                f"user {self._user.name!r}: {path}: {sanitize(exc.strerror or exc)}",
                reason="Kubeconfig",
            ) from exc
        self._file_read_at = now
        return self._file_token
