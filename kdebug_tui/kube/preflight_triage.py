"""Pre-flight findings for the triage options (run as the target's user, shared env and
volumes, stoppable debuggers): pure, like preflight_rules."""

from __future__ import annotations

from typing import Any

from .debug import DebugRequest
from .identity import identity_from_spec
from .podstate import container_spec
from .preflight_rules import Finding
from .stopping import default_wrap_for_stop


def identity_unknown(request: DebugRequest, pod: dict[str, Any] | None) -> bool:
    """run_as_target_user is asked for but neither the spec nor the request knows the uid."""
    if not request.run_as_target_user or request.target_identity is not None or pod is None:
        return False
    target = request.target if request.mode == "ephemeral" else None
    if request.mode == "copy":
        containers = (pod.get("spec") or {}).get("containers") or []
        target = containers[0]["name"] if containers else None
    return bool(target) and identity_from_spec(pod, target or "") is None


def triage_findings(request: DebugRequest, pod: dict[str, Any] | None) -> list[Finding]:
    out: list[Finding] = []
    if identity_unknown(request, pod):
        out.append(
            Finding(
                "error",
                "identity-unknown",
                f"{request.target or 'the target'} does not set runAsUser in its spec: its uid "
                "is the image's USER, known only to the running process",
                "read it first: from a running debugger that targets it, or with a one-shot "
                "probe container (it stays listed, terminated, in the pod)",
            )
        )
    if request.share_target_env and pod is not None and request.target:
        source, _kind = container_spec(pod, request.target)
        secrets = [
            e.get("name", "?")
            for e in (source or {}).get("env") or []
            if "secretKeyRef" in (e.get("valueFrom") or {})
        ]
        secrets += [
            f"all keys of Secret {f['secretRef'].get('name', '?')}"
            for f in (source or {}).get("envFrom") or []
            if isinstance(f.get("secretRef"), dict)
        ]
        if secrets:
            out.append(
                Finding(
                    "warning",
                    "shares-secrets",
                    "the debugger gets the target's secrets as environment variables: "
                    + ", ".join(secrets),
                    "only references are written into the pod spec; the values are visible "
                    "inside the debugger's shell",
                    confirm=True,
                )
            )
    wrapped = request.wrap_for_stop and request.mode == "ephemeral"
    if wrapped and not default_wrap_for_stop(request.image):
        out.append(
            Finding(
                "warning",
                "stop-needs-shell",
                f"stoppable runs the command under sh: if {request.image} has no sh the "
                "debugger fails to start (StartError)",
                "turn stoppable off for images without a shell",
            )
        )
    return out
