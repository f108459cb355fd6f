"""`kubectl kdebug`'s checks before any screen: the target must exist and be readable.

kubectl debug reads the pod (or node) first and, when it cannot, prints the API server's
answer as `Error from server (Reason): message` and exits 1 -- no screen, nothing to clean up.
We do the same with one GET over the standard library (no Kubernetes client: importing it
costs most of a second, and this runs before the app's first frame). Credentials this check
cannot use by itself (exec plugins, proxies, basic auth) and transport failures skip it: the
app then connects as usual and says what went wrong.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import ssl
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

TIMEOUT_SECONDS = 10.0


def precheck(options: Any) -> tuple[str, int] | None:
    """(what kubectl would print on stderr, exit code) when the target is not there."""
    prefill = options.prefill
    if prefill is None or options.demo:
        return None
    try:
        from kdebug_tui.kube.kubeconfig import load_kubeconfig, resolve_context

        resolved = resolve_context(load_kubeconfig(options.kubeconfig), options.context)
    except Exception:
        return None  # the app explains kubeconfig problems in full
    user, cluster = resolved.user, resolved.cluster
    if user.exec is not None or user.username or cluster.proxy_url or cluster.tls_server_name:
        return None
    if prefill.node:
        resource, name = "nodes", prefill.node
        path = f"/api/v1/nodes/{quote(name, safe='')}"
    elif prefill.pod:
        resource, name = "pods", prefill.pod
        namespace = prefill.namespace or options.namespace or resolved.info.namespace
        path = f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(name, safe='')}"
    else:
        return None
    try:
        status, body = _get(resolved, path)
    except Exception:
        return None
    if 200 <= status < 300:
        return None
    return error_from_server(status, body, resource, name), 1


def error_from_server(status: int, body: bytes, resource: str, name: str) -> str:
    """kubectl's line for a refused request: the Status body's reason and message."""
    try:
        doc = json.loads(body)
    except ValueError:
        doc = {}
    reason = str(doc.get("reason") or "") if isinstance(doc, dict) else ""
    message = str(doc.get("message") or "") if isinstance(doc, dict) else ""
    if status == 401:  # kubectl's own words: the Status body says only "Unauthorized"
        return "error: You must be logged in to the server (Unauthorized)"
    if status == 404 and not message:
        reason, message = "NotFound", f'{resource} "{name}" not found'
    reason = reason or http.client.responses.get(status, "Unknown").replace(" ", "")
    message = message or f"the server responded with status {status}"
    return f"Error from server ({reason}): {message}"


def _get(resolved: Any, path: str) -> tuple[int, bytes]:
    cluster, user = resolved.cluster, resolved.user
    url = urlsplit(cluster.server)
    headers = {"Accept": "application/json", "User-Agent": "kubectl-kdebug"}
    token = user.token
    if token is None and user.token_file is not None:
        token = Path(user.token_file).read_text().strip()
    if token:
        headers["Authorization"] = f"Bearer {token}"
    base = url.path.rstrip("/")
    with _tls(cluster, user) as context:
        if url.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                url.hostname or "", url.port or 443, timeout=TIMEOUT_SECONDS, context=context
            )
        else:
            conn = http.client.HTTPConnection(
                url.hostname or "", url.port or 80, timeout=TIMEOUT_SECONDS
            )
        try:
            conn.request("GET", base + path, headers=headers)
            response = conn.getresponse()
            return response.status, response.read(1 << 20)
        finally:
            conn.close()


@contextlib.contextmanager
def _tls(cluster: Any, user: Any) -> Iterator[ssl.SSLContext]:
    context = ssl.create_default_context()
    if cluster.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif cluster.ca_data:
        context.load_verify_locations(cadata=cluster.ca_data.decode("ascii", "replace"))
    elif cluster.ca_file:
        context.load_verify_locations(cafile=str(cluster.ca_file))
    with tempfile.TemporaryDirectory(prefix="kdebug-") as tmp:  # 0700
        cert, key = user.cert_file, user.key_file
        if user.cert_data and user.key_data:
            cert, key = Path(tmp, "cert.pem"), Path(tmp, "key.pem")
            for target, data in ((cert, user.cert_data), (key, user.key_data)):
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
        if cert and key:
            context.load_cert_chain(str(cert), str(key))
        yield context
