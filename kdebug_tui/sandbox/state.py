"""The part of a running sandbox that the REST layer reads and changes.

Handlers are typed against this Protocol, not against `Sandbox`: `Sandbox` builds the
server, the server routes to the handlers, so a handler naming `Sandbox` (even only for
mypy) would close an import circle. `Sandbox` satisfies it structurally.
"""

from __future__ import annotations

from collections import deque
from typing import Any, Protocol

from kdebug_tui.sandbox.auth import Authenticator
from kdebug_tui.sandbox.cluster import Cluster
from kdebug_tui.sandbox.faults import Faults
from kdebug_tui.sandbox.podops import PodOps
from kdebug_tui.sandbox.watchio import WatchSettings


class ApiState(Protocol):
    cluster: Cluster
    auth: Authenticator
    faults: Faults
    watch_settings: WatchSettings
    pods: PodOps
    runtime: Any  # runtime.ContainerRuntime once started (or a test's stand-in)
    url: str  # https://host:port, for discovery's serverAddressByClientCIDRs
    requests: deque[tuple[str, str]]  # (method, path) of the latest requests
