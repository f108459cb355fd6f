"""Role text for a missing permission, so a Forbidden answer comes with what to ask for.

A cluster admin can apply the text as it stands (`kubectl apply -f -`): a Role (a ClusterRole
for cluster-scoped requests) granting exactly the refused verb on the refused resource, and a
binding whose subject the admin fills in (we do not know how the user maps to RBAC subjects).
"""

from __future__ import annotations

import json
import re

_NAME = re.compile(r"[^a-z0-9-]+")


def _split(resource: str) -> tuple[str, str]:
    """("pods/ephemeralcontainers", "") from "pods/ephemeralcontainers"; group from "jobs.batch"."""
    base, slash, sub = resource.partition("/")
    plural, dot, group = base.partition(".")
    return (plural + (slash + sub if slash else "")), (group if dot else "")


def _role_name(verb: str, resource: str) -> str:
    name = _NAME.sub("-", f"kdebug-{verb}-{resource}".lower()).strip("-")
    return name[:63].rstrip("-")


def rbac_snippet(verb: str, resource: str, namespace: str | None) -> str:
    """YAML for a Role (ClusterRole when `namespace` is None) and its binding.

    `resource` is "pods", "pods/ephemeralcontainers", or "jobs.batch" (plural.group)."""
    plural, group = _split(resource)
    kind = "Role" if namespace else "ClusterRole"
    binding = "RoleBinding" if namespace else "ClusterRoleBinding"
    name = _role_name(verb, plural)
    meta = f"  name: {name}\n" + (f"  namespace: {json.dumps(namespace)}\n" if namespace else "")
    return (
        "apiVersion: rbac.authorization.k8s.io/v1\n"
        f"kind: {kind}\n"
        "metadata:\n"
        f"{meta}"
        "rules:\n"
        f"- apiGroups: [{json.dumps(group)}]\n"
        f"  resources: [{json.dumps(plural)}]\n"
        f"  verbs: [{json.dumps(verb)}]\n"
        "---\n"
        "apiVersion: rbac.authorization.k8s.io/v1\n"
        f"kind: {binding}\n"
        "metadata:\n"
        f"{meta}"
        "roleRef:\n"
        "  apiGroup: rbac.authorization.k8s.io\n"
        f"  kind: {kind}\n"
        f"  name: {name}\n"
        "subjects:\n"
        "- kind: User  # or Group / ServiceAccount: who should get the permission\n"
        "  apiGroup: rbac.authorization.k8s.io\n"
        "  name: REPLACE-WITH-THE-USER\n"
    )
