"""The data shapes the runtime shares with the API server (docs/CONTRACTS.md section 1)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal


@dataclass
class ContainerLaunch:
    pod_uid: str
    namespace: str
    pod_name: str
    node_name: str
    name: str
    kind: Literal["init", "regular", "ephemeral"]
    image: str
    image_pull_policy: str | None = None  # None: as the API server defaults it (tag based)
    command: list[str] | None = None
    args: list[str] | None = None
    env: dict[str, str] = field(default_factory=dict)
    working_dir: str | None = None
    stdin: bool = False
    stdin_once: bool = False
    tty: bool = False
    target_container: str | None = None
    share_process_namespace: bool = False
    host_pid: bool = False
    host_network: bool = False
    privileged: bool = False
    host_root_mount: str | None = None
    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None


@dataclass
class ContainerState:
    state: dict
    last_state: dict
    ready: bool
    started: bool
    restart_count: int
    image: str
    image_id: str
    container_id: str


@dataclass
class RuntimeTimings:
    """How long the fake parts of a kubelet take (tests shorten them)."""

    create_delay: float = 0.05  # ContainerCreating is visible at least this long
    pull_fail_delay: float = 0.3  # until ErrImagePull
    pull_backoff_after: float = 1.0  # ErrImagePull -> ImagePullBackOff
    pull_retry_initial: float = 10.0  # then retry with doubling backoff
    pull_retry_max: float = 300.0


OnChange = Callable[[str, str, ContainerState], None]
OnEvent = Callable[[str, str, str, str, str], None]  # uid, container, type, reason, message
