"""The kubeconfig that points kubectl and kdebug-tui at a running sandbox."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

CLUSTER = "kdebug-sandbox"


def kubeconfig_dict(
    url: str, admin_token: str, viewer_token: str, namespace: str = "default", ca: str | None = None
) -> dict[str, Any]:
    contexts = []
    for user in ("sandbox-admin", "sandbox-viewer"):
        contexts.append(
            {"name": user, "context": {"cluster": CLUSTER, "user": user, "namespace": namespace}}
        )
    cluster: dict[str, Any] = {"server": url}
    if ca is not None:
        cluster["certificate-authority-data"] = ca
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [{"name": CLUSTER, "cluster": cluster}],
        "users": [
            {"name": "sandbox-admin", "user": {"token": admin_token}},
            {"name": "sandbox-viewer", "user": {"token": viewer_token}},
        ],
        "contexts": contexts,
        "current-context": "sandbox-admin",
    }


def write_kubeconfig(path: Path, data: dict[str, Any]) -> Path:
    """Written 0600: it holds bearer tokens."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        yaml.safe_dump(data, f, sort_keys=False)
    os.chmod(path, 0o600)
    return path
