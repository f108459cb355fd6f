"""A debug request in kubectl's terms: what the user asked for, before anything is built.

The bottom of the debug chain (request -> validation -> options and profiles -> the built call
and its preview -> builders -> inject): it imports none of them, so each later step can
import the earlier ones without a circle.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .identity import TargetIdentity
from .profiles import KeepFlags

Mode = Literal["ephemeral", "copy", "node"]

MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY_VALUE = "kdebug-tui"
SESSION_LABEL = "kdebug-tui.io/session"
NODE_CONTAINER_NAME = "debugger"


def new_session_id() -> str:
    """A short id put on every object one debug session creates, to find and clean them."""
    return secrets.token_hex(4)


@dataclass(frozen=True)
class EnvVar:
    name: str
    value: str


@dataclass(frozen=True)
class CopyOptions:
    """kubectl's --copy-to family. `share_processes=None` means the flag was not given."""

    copy_to: str | None = None  # None: `<pod>-debug-xxxxx`
    set_image: Mapping[str, str] = field(default_factory=dict)  # container -> image, "*" = all
    share_processes: bool | None = None
    same_node: bool = False
    replace: bool = False
    keep_labels: bool = False
    keep_annotations: bool = False
    keep_liveness: bool = False
    keep_readiness: bool = False
    keep_startup: bool = False
    keep_init_containers: bool = True
    change_container: str | None = None  # an existing container whose command/image to change

    def keep_flags(self) -> KeepFlags:
        return KeepFlags(
            labels=self.keep_labels,
            annotations=self.keep_annotations,
            liveness=self.keep_liveness,
            readiness=self.keep_readiness,
            startup=self.keep_startup,
            init_containers=self.keep_init_containers,
        )


@dataclass(frozen=True)
class DebugRequest:
    """One `kubectl debug` invocation. `command` is the argv after `--`: it becomes the
    container's command, or its args with `arguments_only` (kubectl's --arguments-only)."""

    mode: Mode
    namespace: str
    pod_name: str | None = None
    node_name: str | None = None
    image: str | None = None
    image_pull_policy: str | None = None
    container_name: str | None = None
    target: str | None = None
    command: Sequence[str] = ()
    arguments_only: bool = False
    stdin: bool = True
    tty: bool = True
    env: Sequence[EnvVar] = ()
    profile: str = "general"
    custom: Mapping[str, Any] | None = None
    copy_options: CopyOptions = field(default_factory=CopyOptions)
    session_id: str = field(default_factory=new_session_id)
    # Beyond kubectl (CONTRACTS.md 2b); all off by default so kubectl's flags send kubectl's body.
    run_as_target_user: bool = False
    target_identity: TargetIdentity | None = None  # from resolve/probe; else read from the spec
    share_target_mounts: bool = False
    share_target_env: bool = False
    wrap_for_stop: bool = False  # the form's default: stopping.default_wrap_for_stop(image)

    def __post_init__(self) -> None:
        object.__setattr__(self, "command", tuple(self.command))
        object.__setattr__(self, "env", tuple(self.env))
