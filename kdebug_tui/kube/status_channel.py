"""Decoding the attach/exec status channel (channel 3) the way client-go does.

client-go's v4 error decoder reads a metav1.Status: "Success" means exit 0; "Failure" with
reason NonZeroExitCode carries the exit code in the cause of type ExitCode (an unsigned
8-bit number); any other Failure is an error whose text is the Status message. Anything
unparseable is a protocol error, never a success: a shell that died must not look like a
clean exit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .errors import sanitize

NON_ZERO_EXIT_REASON = "NonZeroExitCode"
EXIT_CODE_CAUSE = "ExitCode"


@dataclass(frozen=True)
class StreamStatus:
    """What the status frame said: `code` for a process exit, else an error message."""

    success: bool
    code: int | None
    message: str

    @property
    def is_exit(self) -> bool:
        return self.code is not None


def decode_status(payload: bytes | str, *, protocol: str = "v4.channel.k8s.io") -> StreamStatus:
    """Decode one status frame's payload (without the channel byte)."""
    text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
    if not protocol.startswith(("v4.", "v5.")):
        # v1-v3 send the error text itself on this channel.
        return StreamStatus(False, None, sanitize(text) or "unknown error")
    try:
        status: Any = json.loads(text)
    except ValueError as exc:
        return StreamStatus(
            False, None, f"error stream protocol error: {exc} in {sanitize(text, 120)!r}"
        )
    if not isinstance(status, dict):
        return StreamStatus(
            False, None, f"error stream protocol error: not a Status: {sanitize(text, 120)!r}"
        )
    state = status.get("status")
    if state == "Success":
        return StreamStatus(True, 0, "")
    if state != "Failure":
        return StreamStatus(False, None, "error stream protocol error: unknown error")
    if status.get("reason") == NON_ZERO_EXIT_REASON:
        details = status.get("details")
        if not isinstance(details, dict):
            return StreamStatus(False, None, "error stream protocol error: details must be set")
        causes = details.get("causes")
        for cause in causes if isinstance(causes, list) else []:
            if not isinstance(cause, dict) or cause.get("reason") != EXIT_CODE_CAUSE:
                continue
            raw = str(cause.get("message", ""))
            if raw.isdigit() and int(raw) <= 255:
                code = int(raw)
                return StreamStatus(False, code, f"command terminated with exit code {code}")
            return StreamStatus(
                False,
                None,
                f"error stream protocol error: invalid exit code value {sanitize(raw, 40)!r}",
            )
        return StreamStatus(
            False, None, f"error stream protocol error: no {EXIT_CODE_CAUSE} cause given"
        )
    message = sanitize(status.get("message") or "", 2000)
    return StreamStatus(False, None, message or "unknown error")
