"""The debug form's parsing and wording rules, on their own."""

from __future__ import annotations

import pytest

from kdebug_tui.kube.errors import from_status
from kdebug_tui.ui.debug import fields as F
from tests.conftest import load_fixture


def test_command_is_argv_with_shell_quoting_never_a_shell_string() -> None:
    assert F.parse_command("sh -c 'echo a; ps aux'") == ["sh", "-c", "echo a; ps aux"]
    assert F.parse_command("") == []
    with pytest.raises(F.FieldError) as info:
        F.parse_command("echo 'unbalanced")
    assert info.value.field == "command"


def test_env_lines() -> None:
    assert F.parse_env("A=1\n\n# comment\nB = two=2\n") == [("A", "1"), ("B", " two=2")]
    with pytest.raises(F.FieldError, match="line 1"):
        F.parse_env("NOVALUE")
    with pytest.raises(F.FieldError, match="not a valid variable name"):
        F.parse_env("1X=2")


def test_set_image_pairs() -> None:
    assert F.parse_set_image("app=busybox:1.36, *=alpine") == {"app": "busybox:1.36", "*": "alpine"}
    with pytest.raises(F.FieldError):
        F.parse_set_image("app")


def test_secrets_are_flagged_in_env_and_command() -> None:
    warnings = F.secret_warnings(
        ["curl", "-H", "Authorization: Bearer eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0"],
        [("DB_PASSWORD", "x")],
    )
    assert any("DB_PASSWORD" in w for w in warnings)
    assert any("command" in w for w in warnings)
    assert F.secret_warnings(["ps", "aux"], [("LANG", "C")]) == []


def test_privileged_choices_name_what_they_grant() -> None:
    sysadmin = F.privileged_choices(
        mode="ephemeral", profile="sysadmin", replace=False, custom=None
    )
    assert [p.key for p in sysadmin] == ["sysadmin"]
    assert "privileged" in sysadmin[0].grants and "kernel" in sysadmin[0].grants
    node = F.privileged_choices(mode="node", profile="general", replace=False, custom=None)
    assert {p.key for p in node} == {"node", "host-root"}
    assert (
        F.privileged_choices(mode="node", profile="baseline", replace=False, custom=None)[0].key
        == "node"
    )
    assert (
        F.privileged_choices(mode="ephemeral", profile="general", replace=False, custom=None) == []
    )
    copy = F.privileged_choices(
        mode="copy",
        profile="general",
        replace=True,
        custom={"securityContext": {"privileged": True, "capabilities": {"add": ["SYS_ADMIN"]}}},
    )
    assert {p.key for p in copy} == {"replace", "custom-privileged", "custom-caps"}


def test_422_lists_each_cause() -> None:
    case = next(c for c in load_fixture("status-bodies.json") if c["case"] == "ports+resources")
    error = from_status(422, case["response"], resource="pods/ephemeralcontainers")
    lines, offer = F.explain_error(error, namespace="default", mode="ephemeral")
    assert offer == ""
    assert any("ports: Forbidden" in line for line in lines)
    assert any("resources: Forbidden" in line for line in lines)


def test_403_rbac_names_verb_resource_and_gives_a_role() -> None:
    body = {
        "kind": "Status",
        "status": "Failure",
        "code": 403,
        "reason": "Forbidden",
        "message": 'pods "web" is forbidden: User "viewer" cannot patch resource '
        '"pods/ephemeralcontainers" in API group "" in the namespace "default"',
    }
    error = from_status(403, body, resource="pods/ephemeralcontainers", namespace="default")
    lines, _ = F.explain_error(error, namespace="default", mode="ephemeral")
    text = "\n".join(lines)
    assert "Missing permission: patch on pods/ephemeralcontainers" in text
    assert 'resources: ["pods/ephemeralcontainers"]' in text and 'verbs: ["patch"]' in text


def test_403_pod_security_suggests_the_profile_that_fits() -> None:
    body = {
        "kind": "Status",
        "code": 403,
        "reason": "Forbidden",
        "message": 'pods "vault-0" is forbidden: violates PodSecurity "restricted:latest": '
        "allowPrivilegeEscalation != false",
    }
    lines, _ = F.explain_error(from_status(403, body), namespace="secure", mode="ephemeral")
    assert any("'restricted' profile" in line for line in lines)


def test_404_without_ephemeral_containers_offers_copy_mode() -> None:
    body = {
        "kind": "Status",
        "code": 404,
        "reason": "NotFound",
        "message": "the server could not find the requested resource",
        "details": {},
    }
    error = from_status(404, body, resource="pods/ephemeralcontainers")
    lines, offer = F.explain_error(error, namespace="default", mode="ephemeral")
    assert offer == "copy"
    assert any("copy" in line for line in lines)
