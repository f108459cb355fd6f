"""A pod whose every cluster-provided text is hostile (shared by the UI and tmux tests)."""

from __future__ import annotations

import copy
from typing import Any

MARKUP = "[bold red]x[/]"
CLICK = "[@click=app.quit]y[/]"
HOSTILE = f"\x1b]0;pwned\x07{MARKUP} \x1b]52;c;cHduZWQ=\x07{CLICK} \u202eevil \x9b2J end"
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\u202e")
# What a log line prints: the same escapes written by printf in the container.
PRINTF = r"printf '\033]0;pwned\007[bold red]x[/] \033]52;c;cHduZWQ=\007[@click=app.quit]y[/]\n'"


async def hostile_pod(sb: Any, session: Any) -> dict[str, Any]:
    """Create the pod through the API, then give it what a kubelet and events could say."""
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "hostile",
            "namespace": "default",
            "annotations": {"note": HOSTILE},
        },
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "image": "busybox:1.36",
                    "command": ["sh", "-c", PRINTF + "; exec sleep 3600"],
                }
            ]
        },
    }
    await session.request_json("POST", "/api/v1/namespaces/default/pods", body=body)
    await sb.runtime.wait_for(
        sb.cluster.get_pod("default", "hostile")["metadata"]["uid"],
        "app",
        lambda s: "running" in s.state,
        within=20,
    )
    # What a kubelet could report: hostile reasons and messages in every state.
    pod = copy.deepcopy(sb.cluster.get_pod("default", "hostile"))
    pod["status"]["message"] = HOSTILE
    status = pod["status"]["containerStatuses"][0]
    status["lastState"] = {"terminated": {"exitCode": 2, "reason": "Error", "message": HOSTILE}}
    pod["spec"]["ephemeralContainers"] = [
        {"name": "dbg-x", "image": "busybox:1.36", "targetContainerName": "app"}
    ]
    pod["status"]["ephemeralContainerStatuses"] = [
        {
            "name": "dbg-x",
            "image": "busybox:1.36",
            "ready": False,
            "restartCount": 0,
            "state": {"terminated": {"exitCode": 1, "reason": MARKUP, "message": HOSTILE}},
        }
    ]
    sb.cluster.replace("pods", pod)
    sb.recorder.pod_event(pod, "Hostile", HOSTILE, type_="Warning")
    return pod
