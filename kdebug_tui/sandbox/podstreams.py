"""pods/attach and pods/exec: checks the API server and kubelet make before the upgrade,
then the websocket session in `streams.py` (the runtime's side of the protocol)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from aiohttp import web

from kdebug_tui.sandbox.errors import ApiError, bad_request
from kdebug_tui.sandbox.podcontainer import container_for, container_status
from kdebug_tui.sandbox.stdin_cut import arm_stdin_cut

if TYPE_CHECKING:
    from kdebug_tui.sandbox.state import ApiState

Obj = dict[str, Any]


def _is_ephemeral(pod: Obj, name: str) -> bool:
    return any(c.get("name") == name for c in pod["spec"].get("ephemeralContainers") or [])


async def serve_stream(
    sb: ApiState, request: web.Request, ns: str, name: str, kind: Literal["attach", "exec"]
) -> web.StreamResponse:
    from kdebug_tui.sandbox import streams

    pod = sb.cluster.require("pods", ns, name)
    cname, spec = container_for(pod, request.query.get("container"))
    if not pod["spec"].get("nodeName"):
        raise bad_request(f"pod {name} does not have a host assigned")
    try:
        options = streams.StreamOptions.from_query(request.query)
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    command = request.query.getall("command", [])
    if kind == "exec" and not command:
        raise bad_request("you must specify at least one command for the container")
    cs = container_status(pod, cname) or {}
    state = cs.get("state") or {}
    uid = pod["metadata"]["uid"]
    if "running" not in state or sb.runtime.pid_of(uid, cname) is None:
        if "terminated" in state and _is_ephemeral(pod, cname):
            # The kubelet looks among running containers only and answers 500 with a plain
            # text body, which the API server passes on; not being a Status, kubectl prints
            # "error: unable to upgrade connection: <text>" (transcript, section 10).
            raise web.HTTPInternalServerError(
                text=f"container {cname} not found in pod {name}_{ns}\n"
            )
        if "terminated" in state:
            raise bad_request(
                f"container {cname} is not running: container is in CONTAINER_EXITED state"
            )
        raise bad_request(f'container not found ("{cname}")')
    if kind == "attach":
        if options.stdin and not spec.get("stdin"):
            raise bad_request(
                f'container "{cname}" in pod "{name}" was not created with stdin: attaching stdin '
                "needs a container with stdin: true"
            )
        tty = bool(spec.get("tty"))  # the kubelet uses the container's own TTY setting
        options = streams.StreamOptions(
            options.stdin, options.stdout, options.stderr and not tty, tty
        )
    if request.headers.get("Upgrade", "").lower() != "websocket":
        raise ApiError(
            400,
            "Upgrade request required",
            reason="BadRequest",
        )
    hooks = streams.StreamHooks(
        drop_after_bytes=sb.faults.take_drop(),
        truncate_after_bytes=sb.faults.take_stdout_cut() if kind == "exec" else None,
    )
    runtime = sb.runtime

    cut_stdin = kind == "exec" and options.stdin and sb.faults.take_stdin_cut()

    async def opener() -> Any:
        if kind == "attach":
            return await runtime.attach(uid, cname)
        handle = await runtime.exec(uid, cname, command, tty=options.tty, stdin=options.stdin)
        if cut_stdin:
            arm_stdin_cut(handle)
        return handle

    return await streams.serve_stream(
        request, opener, options, kind=kind, command=command, hooks=hooks
    )
