"""Pre-flight: everything we can tell the user before creating anything.

Each finding is one clear sentence with a hint, and `confirm=True` marks the choices that
grant real power (privileged containers, the node's filesystem and namespaces, deleting the
original pod) so the UI asks before going on. The checks use the same built object that
will be sent, so "will be rejected by Pod Security" is computed on exactly what goes out.
"""

from __future__ import annotations

import weakref
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from .access import AccessChecker
from .custom_spec import CustomSpecError, validate_custom_spec
from .debug import BuiltDebug, DebugRequest, InvalidDebugRequest, build
from .errors import KubeError
from .names import seeded_suffixes
from .pod_security import ENFORCE_LABEL, WARN_LABEL, namespace_level, violations
from .preflight_rules import (
    Finding,
    check_pod,
    privilege_findings,
    run_as_non_root,
    secret_findings,
)
from .preflight_triage import identity_unknown, triage_findings

__all__ = ["Finding", "preflight"]
_ORDER = {"error": 0, "warning": 1, "info": 2}

# One AccessChecker per session when the caller brings none: reviews stay cached (with the
# checker's TTL, keyed by context) across the many pre-flights of one form.
_CHECKERS: weakref.WeakKeyDictionary[Any, AccessChecker] = weakref.WeakKeyDictionary()

SUGGESTION_ORDER = ("general", "baseline", "restricted", "legacy", "netadmin", "sysadmin")


async def preflight(
    session: Any,
    request: DebugRequest,
    pod: dict[str, Any] | None = None,
    access: AccessChecker | None = None,
    *,
    node: dict[str, Any] | None = None,
) -> list[Finding]:
    """All findings for `request` against `pod` (or the node), errors first."""
    findings: list[Finding] = []
    built: BuiltDebug | None = None
    try:
        if request.custom:
            validate_custom_spec(dict(request.custom), ephemeral=request.mode == "ephemeral")
        # An unknown uid is its own finding; the rest is checked as if it were known.
        checked = (
            replace(request, run_as_target_user=False)
            if identity_unknown(request, pod)
            else request
        )
        built = build(checked, pod, suffix=seeded_suffixes(0))
    except CustomSpecError as exc:
        findings.extend(
            Finding("error", "custom-spec", p, "remove the field from the custom spec")
            for p in exc.problems
        )
    except InvalidDebugRequest as exc:
        findings.append(Finding("error", "invalid-request", exc.message, exc.hint))
    if pod is not None and request.mode != "node":
        findings.extend(check_pod(request, pod))
    findings.extend(privilege_findings(request, built, pod))
    findings.extend(secret_findings(request))
    findings.extend(triage_findings(request, pod))
    if built is not None:
        findings.extend(run_as_non_root(request, built, pod))
    findings.extend(await rbac_findings(session, request, access or _checker(session)))
    if built is not None:
        findings.extend(await pod_security_findings(session, request, built, pod))
    if request.mode == "node":
        findings.extend(await node_findings(session, request, node))
    elif request.mode == "copy" and built is not None and built.pod_name:
        findings.extend(await copy_name_findings(session, request, built))
    return sorted(findings, key=lambda f: _ORDER[f.level])


_NEEDS = {
    "ephemeral": [("patch", "pods", "ephemeralcontainers", "error")],
    "copy": [("create", "pods", "", "error")],
    "node": [("create", "pods", "", "error"), ("delete", "pods", "", "warning")],
}


async def rbac_findings(
    session: Any, request: DebugRequest, access: AccessChecker
) -> list[Finding]:
    needs = list(_NEEDS[request.mode])
    if request.mode == "copy" and request.copy_options.replace:
        needs.append(("delete", "pods", "", "error"))
    if request.stdin or request.tty:
        needs.append(("get", "pods", "attach", "warning"))
    out: list[Finding] = []
    for verb, resource, sub, level in needs:
        what = f"{resource}/{sub}" if sub else resource
        try:
            allowed = await access.check(verb, resource, request.namespace, sub)
        except Exception:
            allowed = None
        if allowed is False:
            consequence = {
                "get": "the container can be created but you cannot attach to it",
                "delete": "you will not be able to delete it afterwards"
                if request.mode == "node"
                else "the original cannot be deleted",
            }.get(verb, "the debug container cannot be created")
            out.append(
                Finding(
                    level,  # type: ignore[arg-type]
                    "rbac",
                    f"you may not {verb} {what} in namespace {request.namespace}: {consequence}",
                    "ask a cluster admin for this permission (RBAC), or switch context",
                )
            )
        elif allowed is None:
            out.append(
                Finding("info", "rbac-unknown", f"could not check whether you may {verb} {what}")
            )
    return out


async def pod_security_findings(
    session: Any, request: DebugRequest, built: BuiltDebug, pod: dict[str, Any] | None
) -> list[Finding]:
    try:
        namespace = await session.request_json(
            "GET", f"/api/v1/namespaces/{quote(request.namespace, safe='')}"
        )
    except KubeError:
        return [
            Finding(
                "info",
                "pod-security-unknown",
                f"could not read namespace {request.namespace}: its Pod Security level is unknown",
            )
        ]
    out: list[Finding] = []
    for label, level_name in ((ENFORCE_LABEL, "error"), (WARN_LABEL, "info")):
        level = namespace_level(namespace, label)
        problems = _violations(level, built, pod)
        if not problems:
            continue
        fit = _suggest(request, pod, level)
        verb = "rejects" if label == ENFORCE_LABEL else "warns about"
        out.append(
            Finding(
                level_name,  # type: ignore[arg-type]
                "pod-security" if label == ENFORCE_LABEL else "pod-security-warn",
                f'namespace {request.namespace} enforces Pod Security "{level}" and {verb} the '
                f"{request.profile} profile: " + "; ".join(problems),
                f"use the {fit} profile, which fits {level}" if fit else None,
            )
        )
    return out


def _violations(level: str, built: BuiltDebug, pod: dict[str, Any] | None) -> list[str]:
    if built.mode == "ephemeral":
        pod_spec = (pod or {}).get("spec") or {}
        return violations(
            level, pod_spec, built.body["spec"]["ephemeralContainers"], check_pod_level=False
        )
    spec = built.body.get("spec") or {}
    containers = list(spec.get("initContainers") or []) + list(spec.get("containers") or [])
    return violations(level, spec, containers)


def _suggest(request: DebugRequest, pod: dict[str, Any] | None, level: str) -> str | None:
    from dataclasses import replace

    for profile in SUGGESTION_ORDER:
        if profile == request.profile:
            continue
        try:
            candidate = build(replace(request, profile=profile), pod, suffix=seeded_suffixes(0))
        except KubeError:
            continue
        if not _violations(level, candidate, pod):
            return profile
    return None


async def node_findings(
    session: Any, request: DebugRequest, node: dict[str, Any] | None
) -> list[Finding]:
    if node is None:
        try:
            node = await session.request_json(
                "GET", f"/api/v1/nodes/{quote(request.node_name or '', safe='')}"
            )
        except KubeError as exc:
            if exc.status == 404:
                return [Finding("error", "node-unknown", f"there is no node {request.node_name}")]
            return []
    conditions = (node.get("status") or {}).get("conditions") or []
    ready = next((c for c in conditions if c.get("type") == "Ready"), None)
    if ready is not None and ready.get("status") != "True":
        return [
            Finding(
                "warning",
                "node-not-ready",
                f"node {request.node_name} is not Ready: the debug pod may never start",
            )
        ]
    return []


async def copy_name_findings(
    session: Any, request: DebugRequest, built: BuiltDebug
) -> list[Finding]:
    if built.name_generated:
        return []
    try:
        await session.request_json(
            "GET",
            f"/api/v1/namespaces/{quote(request.namespace, safe='')}/pods/"
            f"{quote(built.pod_name, safe='')}",
        )
    except KubeError:
        return []
    return [
        Finding(
            "error",
            "copy-exists",
            f"a pod named {built.pod_name} already exists in {request.namespace}",
            "choose another name for the copy",
        )
    ]


def _checker(session: Any) -> AccessChecker:
    try:
        checker = _CHECKERS.get(session)
        if checker is None:
            checker = _CHECKERS[session] = AccessChecker(session)
        return checker
    except TypeError:  # not weak-referenceable (a test double): no cross-call cache
        return AccessChecker(session)
