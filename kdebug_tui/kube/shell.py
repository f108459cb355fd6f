"""A shell in an app container, chosen as kubectl users choose it, and a typed answer when
the container has none (a distroless image), so the UI can offer a debug container instead.

The command is the one people type after `kubectl exec -it`: bash when the image has it,
else sh, as an argument list (never a string for a local shell). When the container has no
`sh` at all, the runtime refuses the exec itself ("OCI runtime exec failed: ... executable
file not found in $PATH"); that exact failure becomes `NoShell`, any other stays an error.

Two ways in, for the UI:
- `await find_shell(session, ns, pod, container)` before opening a pane: `Shell` (which
  shell) or `NoShell` (say so, offer `d`); one short exec without a tty.
- `ShellSession(session, ns, pod, container)`, a TerminalBackend for the pane: the exec of
  SHELL_COMMAND with a tty; if the shell turns out to be missing, `.no_shell` is set and the
  exit says so in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kdebug_tui.kube.attach import ExecSession, run_command
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.term.backend import BackendExit

SHELL_COMMAND = ["sh", "-c", "command -v bash >/dev/null && exec bash || exec sh"]
PROBE_COMMAND = ["sh", "-c", "command -v bash || command -v sh"]
NOT_FOUND_MARKERS = (
    "executable file not found",
    "no such file or directory",
)
DEBUG_HINT = "no shell here; press d for a debug container"


@dataclass(frozen=True)
class Shell:
    """The container has a shell: `path` is what `command -v` found (bash preferred)."""

    path: str
    command: tuple[str, ...] = tuple(SHELL_COMMAND)


@dataclass(frozen=True)
class NoShell:
    """The container has no `sh` (distroless, scratch): exec cannot work, debug can."""

    namespace: str
    pod: str
    container: str
    detail: str  # the runtime's own sentence

    @property
    def message(self) -> str:
        return f"container {self.container} of {self.namespace}/{self.pod} has no shell"

    @property
    def hint(self) -> str:
        return DEBUG_HINT


def is_missing_executable(text: str) -> bool:
    """Whether an exec failure says the command itself does not exist in the image."""
    lowered = text.lower()
    return "exec" in lowered and any(marker in lowered for marker in NOT_FOUND_MARKERS)


async def find_shell(
    session: Any, namespace: str, pod: str, container: str, **options: Any
) -> Shell | NoShell:
    """Which shell an exec would get. Raises KubeError for failures other than "no shell"
    (pod gone, forbidden, container not running)."""
    out, ending = await run_command(session, namespace, pod, container, PROBE_COMMAND, **options)
    if ending.code == 0:
        found = out.decode(errors="replace").strip().splitlines()
        return Shell(found[0] if found else "sh")
    if is_missing_executable(ending.message):
        return NoShell(namespace, pod, container, ending.message)
    if ending.code is not None:
        # sh ran but found neither (an odd PATH): sh itself is there, use it
        return Shell("sh")
    raise KubeError("Exec failed", ending.message or ending.describe(), reason="ExecFailed")


class ShellSession(ExecSession):
    """`kubectl exec -it <pod> -c <container> -- sh -c "...bash || sh"` as a TerminalBackend.

    After the stream ends, `no_shell` tells whether it ended because the image has no shell;
    the exit message is then the plain sentence for the pane."""

    def __init__(
        self, session: Any, namespace: str, pod: str, container: str, **options: Any
    ) -> None:
        super().__init__(session, namespace, pod, container, list(SHELL_COMMAND), **options)
        self.no_shell: NoShell | None = None

    @property
    def exit(self) -> BackendExit | None:
        ending = super().exit
        if ending is not None and self.no_shell is None and is_missing_executable(ending.message):
            self.no_shell = NoShell(self.namespace, self.pod, self.container, ending.message)
        if self.no_shell is not None:
            return BackendExit(None, "error", f"{self.no_shell.message}: {DEBUG_HINT}")
        return ending
