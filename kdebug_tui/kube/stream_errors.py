"""Why an attach/exec handshake was refused, in words the user can act on.

The HTTP status of a failed websocket upgrade says little ("400"), and the body is not
available through the client, so the pod is read again: gone, container not running (and in
which state), completed pod, or a container started without stdin/tty.
"""

from __future__ import annotations

from typing import Any

from .access import AccessChecker
from .channels import pod_path
from .errors import KubeError, from_status, to_kube_error
from .podstate import container_spec, container_status, describe_state
from .rbac import rbac_snippet


async def explain_stream_failure(
    session: Any,
    namespace: str,
    pod: str,
    container: str,
    status: int,
    *,
    subresource: str,
    stdin: bool,
    tty: bool,
) -> KubeError:
    """Why the attach/exec handshake was refused, in words the user can act on."""
    if status == 403:
        return await _explain_forbidden(session, namespace, subresource)
    if status == 401:
        return KubeError(
            "Unauthorized",
            "the cluster rejected your credentials",
            status=401,
            reason="Unauthorized",
            hint="your token or certificate may have expired: log in again and retry",
        )
    try:
        obj = await session.request_json(
            "GET",
            pod_path(namespace, pod, "").rstrip("/"),
            resource="pods",
            namespace=namespace,
        )
    except KubeError as exc:
        if exc.status == 404:
            return KubeError(
                "Pod deleted",
                f"pod {namespace}/{pod} was deleted",
                status=status,
                reason="NotFound",
            )
        return exc
    except Exception as exc:
        return to_kube_error(exc)
    phase = (obj.get("status") or {}).get("phase")
    if subresource == "attach" and phase in ("Succeeded", "Failed"):
        return KubeError(
            "Cannot attach",
            f"cannot attach a container in a completed pod; current phase is {phase}",
            status=status,
            reason="BadRequest",
        )
    spec, _kind = container_spec(obj, container)
    if spec is None:
        return KubeError(
            "No such container",
            f"container {container} is not valid for pod {pod}",
            status=status,
            reason="NotFound",
        )
    state = container_status(obj, container)
    running = "running" in ((state or {}).get("state") or {})
    if not running:
        return KubeError(
            f"Cannot {subresource}",
            f"container {container} is not running ({describe_state(state)})",
            status=status,
            reason="BadRequest",
            hint="the logs of the container may say why" if state else None,
        )
    if subresource == "attach":
        if stdin and not spec.get("stdin"):
            return KubeError(
                "Cannot attach",
                f"container {container} has no stdin: it was not started with -i/--stdin",
                status=status,
                reason="BadRequest",
                hint="attach without input, or start a new debug container with stdin",
            )
        if tty and not spec.get("tty"):
            return KubeError(
                "Cannot attach",
                f"container {container} has no tty: it was not started with -t/--tty",
                status=status,
                reason="BadRequest",
                hint="attach without a tty",
            )
    return from_status(status, b"", resource=f"pods/{subresource}", namespace=namespace)


async def _explain_forbidden(session: Any, namespace: str, subresource: str) -> KubeError:
    """Ask the API server which verb is missing (an access review); a websocket upgrade is a
    GET, and newer API servers also require `create` on the subresource. If RBAC allows both,
    something else (an admission webhook or policy) refused the stream."""
    verbs = ("get", "create") if subresource == "attach" else ("create", "get")
    checker = AccessChecker(session)
    answers: dict[str, bool | None] = {}
    for verb in verbs:
        try:
            answers[verb] = await checker.check(verb, "pods", namespace, subresource)
        except Exception:
            answers[verb] = None
        if answers[verb] is False:
            break
    missing = next((v for v in verbs if answers.get(v) is False), None)
    if missing is None and all(answers.get(v) is True for v in verbs):
        return KubeError(
            "Forbidden",
            f"the API server refused pods/{subresource} in namespace {namespace} although "
            "your RBAC permissions allow it",
            status=403,
            reason="Forbidden",
            hint="an admission webhook or policy may block attach/exec here; ask the "
            "cluster's admins",
        )
    verb = missing or verbs[0]
    return KubeError(
        "Forbidden",
        f"you may not {verb} pods/{subresource} in namespace {namespace}",
        status=403,
        reason="Forbidden",
        hint="ask a cluster admin for this permission (RBAC), or switch context",
        snippet=rbac_snippet(verb, f"pods/{subresource}", namespace),
    )
