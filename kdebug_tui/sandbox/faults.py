"""Fault injection for tests: failing or slow requests, dropped streams, expired watches,
exec stdin cut short."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kdebug_tui.sandbox.errors import REASONS, ApiError


@dataclass
class _Failure:
    verb: str
    resource: str
    status: int
    times: int
    reason: str | None
    message: str | None
    namespace: str | None
    name: str | None
    bare: bool = False


@dataclass
class _Delay:
    verb: str
    resource: str
    seconds: float
    times: int


class Faults:
    """Every fault takes effect on the next matching request and is cleared by `clear()`."""

    def __init__(self, on_expire: Callable[[], None], on_stall: Callable[[bool], None]) -> None:
        self._failures: list[_Failure] = []
        self._delays: list[_Delay] = []
        self._drops: list[int] = []
        self._stdin_cuts = 0
        self._stdout_cuts: list[int] = []
        self._on_expire = on_expire
        self._on_stall = on_stall
        self.watches_stalled = False

    def fail(
        self,
        verb: str,
        resource: str,
        *,
        status: int,
        times: int = 1,
        reason: str | None = None,
        message: str | None = None,
        namespace: str | None = None,
        name: str | None = None,
        bare: bool = False,
    ) -> None:
        """`bare`: a Status with empty details, as the API server answers for a route it
        does not have (e.g. no pods/ephemeralcontainers) instead of for a missing object."""
        self._failures.append(
            _Failure(verb, resource, status, times, reason, message, namespace, name, bare)
        )

    def delay(self, verb: str, resource: str, seconds: float, *, times: int = 1) -> None:
        self._delays.append(_Delay(verb, resource, seconds, times))

    def drop_attach_after(self, nbytes: int, *, times: int = 1) -> None:
        self._drops.extend([nbytes] * times)

    def cut_exec_stdin(self, *, times: int = 1) -> None:
        """The next `times` execs with stdin lose the tail of their input on a half-close
        (containerd's 32 KiB truncation, see stdin_cut.py)."""
        self._stdin_cuts += times

    def truncate_exec_stdout(self, nbytes: int, *, times: int = 1) -> None:
        """The next `times` execs lose their output past `nbytes` and still end in Success
        (kubernetes issue 124571)."""
        self._stdout_cuts.extend([nbytes] * times)

    def expire_watches(self) -> None:
        self._on_expire()

    def stall_watches(self) -> None:
        self.watches_stalled = True
        self._on_stall(True)

    def clear(self) -> None:
        self._failures.clear()
        self._delays.clear()
        self._drops.clear()
        self._stdin_cuts = 0
        self._stdout_cuts.clear()
        self.watches_stalled = False
        self._on_stall(False)

    # -- used by the server ---------------------------------------------------------------
    def take_failure(
        self, verb: str, resource: str, namespace: str | None, name: str | None
    ) -> ApiError | None:
        for f in self._failures:
            if not _same_verb(f.verb, verb, resource) or f.resource != resource:
                continue
            if f.namespace is not None and f.namespace != namespace:
                continue
            if f.name is not None and f.name != name:
                continue
            f.times -= 1
            if f.times <= 0:
                self._failures.remove(f)
            base = resource.split("/")[0]
            default = f'{base} "{name}" injected failure' if name else f"{base} injected failure"
            if f.bare:
                default = "the server could not find the requested resource"
            return ApiError(
                f.status,
                f.message or default,
                reason=f.reason if f.reason is not None else REASONS.get(f.status, "Unknown"),
                details={} if f.bare else {"name": name or "", "kind": base},
            )
        return None

    def take_delay(self, verb: str, resource: str) -> float:
        for d in self._delays:
            if _same_verb(d.verb, verb, resource) and d.resource == resource:
                d.times -= 1
                if d.times <= 0:
                    self._delays.remove(d)
                return d.seconds
        return 0.0

    def take_drop(self) -> int | None:
        return self._drops.pop(0) if self._drops else None

    def take_stdout_cut(self) -> int | None:
        return self._stdout_cuts.pop(0) if self._stdout_cuts else None

    def take_stdin_cut(self) -> bool:
        if self._stdin_cuts <= 0:
            return False
        self._stdin_cuts -= 1
        return True


STREAMS = ("pods/attach", "pods/exec")


def _same_verb(wanted: str, actual: str, resource: str) -> bool:
    """Attach/exec are `get` over websockets and `create` over SPDY: either names them."""
    if resource in STREAMS and {wanted, actual} <= {"get", "create"}:
        return True
    return wanted == actual
