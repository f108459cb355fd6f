"""The texts of the cluster-fault answers for cases the sandbox does not produce: a baseline
namespace, cluster-scoped refusals, a webhook that failed (not denied)."""

from __future__ import annotations

import yaml

from kdebug_tui.kube.errors import from_status
from kdebug_tui.kube.rbac import rbac_snippet


def status(code: int, reason: str, message: str) -> dict[str, object]:
    return {"kind": "Status", "status": "Failure", "code": code, "reason": reason,
            "message": message}  # fmt: skip


def test_baseline_namespace_suggests_the_baseline_profile() -> None:
    message = (
        'pods "web" is forbidden: violates PodSecurity "baseline:v1.30": non-default '
        'capabilities (container "debugger-x" must not include "SYS_PTRACE" in '
        "securityContext.capabilities.add)"
    )
    err = from_status(403, status(403, "Forbidden", message), namespace="team-a")
    assert err.message.startswith('violates PodSecurity "baseline:v1.30": non-default')
    assert err.hint == (
        'namespace team-a enforces the "baseline" Pod Security level: use the baseline '
        "profile, which fits it, or debug in another namespace"
    )


def test_cluster_scoped_refusal_gets_a_cluster_role() -> None:
    message = (
        'nodes is forbidden: User "x" cannot list resource "nodes" in API group "" '
        "at the cluster scope"
    )
    err = from_status(403, status(403, "Forbidden", message))
    assert err.snippet is not None
    role, binding = yaml.safe_load_all(err.snippet)
    assert role["kind"] == "ClusterRole" and "namespace" not in role["metadata"]
    assert binding["kind"] == "ClusterRoleBinding"
    assert role["rules"] == [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["list"]}]


def test_snippet_of_a_grouped_resource_and_hostile_names() -> None:
    role, _ = yaml.safe_load_all(rbac_snippet("create", "jobs.batch", 'ns"\nkind: Evil'))
    assert role["rules"] == [{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["create"]}]
    assert role["metadata"]["namespace"] == 'ns"\nkind: Evil'  # quoted, not injected
    assert role["kind"] == "Role"


def test_a_webhook_that_failed_is_a_server_error_not_a_denial() -> None:
    message = (
        'Internal error occurred: failed calling webhook "policy.example.com": '
        "context deadline exceeded"
    )
    err = from_status(500, status(500, "InternalError", message))
    assert err.title == "Server error (500)" and err.retryable
