"""Texts and small shapes a kubelet/containerd produces, kept in one place so they match
the recorded real-cluster fixtures word for word."""

from __future__ import annotations

import secrets
import time

EPOCH = "1970-01-01T00:00:00Z"


def now_rfc3339() -> str:
    """Container state timestamps: seconds precision, UTC, as the kubelet reports them."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def new_container_id() -> str:
    return "containerd://" + secrets.token_hex(32)


def start_error(executable: str) -> str:
    """runc's message when a container's command cannot be executed."""
    if "/" in executable:
        cause = f"exec: {_q(executable)}: stat {executable}: no such file or directory"
    else:
        cause = f"exec: {_q(executable)}: executable file not found in $PATH"
    return (
        "failed to create containerd task: failed to create shim task: OCI runtime create "
        f"failed: runc create failed: unable to start container process: {cause}: unknown"
    )


def exec_not_found(executable: str) -> str:
    """runc's message when an exec'd command cannot be executed."""
    if "/" in executable:
        cause = f"exec: {_q(executable)}: stat {executable}: no such file or directory"
    else:
        cause = f"exec: {_q(executable)}: executable file not found in $PATH"
    return (
        f"OCI runtime exec failed: exec failed: unable to start container process: {cause}: unknown"
    )


def exec_failed_status_message(executable: str) -> str:
    """The whole error as the kubelet wraps it (what `kubectl exec` prints after "error: ")."""
    return (
        "error executing command in container: failed to exec in container: failed to start "
        f'exec "{secrets.token_hex(32)}": {exec_not_found(executable)}'
    )


def run_as_root_message(namespace: str, pod: str, uid: str, container: str) -> str:
    return (
        f'container has runAsNonRoot and image will run as root (pod: "{pod}_{namespace}({uid})", '
        f"container: {container})"
    )


def crash_backoff_message(
    seconds: float, container: str, namespace: str, pod: str, uid: str
) -> str:
    return (
        f"back-off {go_duration(seconds)} restarting failed container={container} "
        f"pod={pod}_{namespace}({uid})"
    )


def image_backoff_message(image: str) -> str:
    return f'Back-off pulling image "{image}"'


def go_duration(seconds: float) -> str:
    """Go's time.Duration.String() for whole and fractional seconds: 10s, 1m20s, 5m0s."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    if seconds < 60:
        text = f"{seconds:.3f}".rstrip("0").rstrip(".")
        return f"{text}s"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    return f"{minutes}m{secs}s"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def image_pulled_message(image: str, seconds: float) -> str:
    """As the recorded kubelet wrote it: `Successfully pulled image "busybox" in 43.587687ms`."""
    millis = f"{seconds * 1000:.6f}".rstrip("0").rstrip(".")
    return f'Successfully pulled image "{image}" in {millis}ms'


def never_pull_message(image: str) -> str:
    """The kubelet's ErrImageNeverPull message (pull policy Never, image not present)."""
    return f'Container image "{image}" is not present with pull policy of Never'
