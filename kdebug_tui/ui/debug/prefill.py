"""What `kubectl kdebug ...` asked for, handed to the debug form to prefill it.

Field names follow kubectl debug's flags. Kept free of Textual so the launcher can build it
before the app (and its imports) exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DebugPrefill:
    pod: str | None = None  # POD, or None with node set
    node: str | None = None  # from node/NAME
    namespace: str | None = None
    image: str | None = None
    target: str | None = None  # --target (ephemeral: share this container's PID namespace)
    container: str | None = None  # -c/--container: the debug container's name
    profile: str | None = None
    copy_to: str | None = None
    share_processes: bool | None = None
    set_image: tuple[str, ...] = ()  # --set-image name=image, may repeat
    replace: bool = False
    stdin: bool = True  # -i (kubectl's default is off; an interactive shell is the point here)
    tty: bool = True  # -t
    command: tuple[str, ...] = field(default_factory=tuple)  # after `--`
    env: tuple[str, ...] = ()  # --env NAME=VALUE

    @property
    def mode(self) -> str:
        """ "node", "copy" or "ephemeral": the three kubectl debug modes."""
        if self.node:
            return "node"
        if self.copy_to:
            return "copy"
        return "ephemeral"
