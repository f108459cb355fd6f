"""Terminal backends over pods/attach and pods/exec, and attach-or-logs like kubectl debug.

`AttachSession` and `ExecSession` implement the TerminalBackend protocol (term/backend.py) on
top of `ChannelStream`. When the handshake fails, the HTTP status alone says little ("400"),
so the pod is read again to tell the user what is actually wrong: the pod is gone, the
container is not running (and in which state), or it was started without stdin/tty.
"""

from __future__ import annotations

import asyncio
from typing import Any

from ..term.backend import BackendExit, TerminalBackend
from .channels import CONNECT_TIMEOUT, MAX_CHUNK, STDIN, ChannelStream, pod_path
from .errors import KubeError
from .logs import LineEndings, LogsBackend, stream_logs
from .podstate import container_status
from .stream_errors import explain_stream_failure

__all__ = [
    "AttachOrLogs",
    "AttachSession",
    "ExecSession",
    "attach_or_logs",
    "explain_stream_failure",
    "run_command",
    "stream_logs",  # lives in logs.py; CONTRACTS.md names it here too
]

ATTACH_WARNING = "everything you type is recorded in the container's logs"


class _StreamBackend:
    """Shared by attach and exec: the protocol methods over one ChannelStream."""

    _subresource = ""

    def __init__(
        self,
        session: Any,
        namespace: str,
        pod: str,
        container: str,
        *,
        stdin: bool,
        tty: bool,
        query: list[tuple[str, str]],
        ping_interval: float = 5.0,
        dead_after: float = 60.0,
        max_chunk: int = MAX_CHUNK,
        crlf: bool | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        self.session = session
        self.namespace = namespace
        self.pod = pod
        self.container = container
        self.stdin = stdin
        self.tty = tty
        # Without a tty nobody turns LF into CRLF on the far side; a terminal must see CRLF.
        self._endings = LineEndings() if (not tty if crlf is None else crlf) else None
        self._stream = ChannelStream(
            session,
            pod_path(namespace, pod, self._subresource),
            query,
            tty=tty,
            stdin=stdin,
            explain=self._explain,
            ping_interval=ping_interval,
            dead_after=dead_after,
            max_chunk=max_chunk,
            connect_timeout=connect_timeout,
        )

    @property
    def protocol(self) -> str:
        """The subprotocol the server chose (v5.channel.k8s.io or v4.channel.k8s.io)."""
        return self._stream.protocol

    @property
    def exit(self) -> BackendExit | None:
        return self._stream.exit

    async def start(self, columns: int, lines: int) -> None:
        await self._stream.connect()
        if self.tty:
            # Like kubectl: a size one larger, then the real one, so the program redraws.
            await self._stream.resize(columns + 1, lines + 1)
            await self._stream.resize(columns, lines)

    async def read(self) -> bytes:
        data = await self._stream.read()
        return self._endings.translate(data) if self._endings is not None else data

    async def read_channel(self) -> tuple[int, bytes] | None:
        """Raw (channel, bytes) from stdout (1) or stderr (2), None at the end (no CRLF)."""
        return await self._stream.read_channel()

    async def write(self, data: bytes) -> None:
        if data and self.stdin:
            await self._stream.send(STDIN, data)

    async def resize(self, columns: int, lines: int) -> None:
        await self._stream.resize(columns, lines)

    async def close_stdin(self) -> bool:
        """Send EOF on stdin without closing the stream (v5 only)."""
        return await self._stream.close_stdin()

    async def close(self) -> None:
        await self._stream.close()

    async def _explain(self, status: int) -> KubeError:
        return await explain_stream_failure(
            self.session,
            self.namespace,
            self.pod,
            self.container,
            status,
            subresource=self._subresource,
            stdin=self.stdin,
            tty=self.tty,
        )


class AttachSession(_StreamBackend):
    """`kubectl attach -it` as a TerminalBackend. A new instance reattaches.

    An attach stream's status says "Success" whatever the process exit code was (the kubelet
    does not know it), so when it ends that way the pod is read again for the real ending.
    """

    _subresource = "attach"
    settle_tries = 20
    settle_interval = 0.1
    _refined: BackendExit | None = None

    _pod_seen: asyncio.Task[bool] | None = None

    @property
    def exit(self) -> BackendExit | None:
        return self._refined or self._stream.exit

    async def start(self, columns: int, lines: int) -> None:
        await super().start(columns, lines)
        # Remember that the pod existed when we attached: if it is gone when the stream
        # ends, the stream's "Success" means "deleted", not "exited with code 0".
        self._pod_seen = asyncio.ensure_future(self._pod_exists())

    async def _pod_exists(self) -> bool:
        path = pod_path(self.namespace, self.pod, "").rstrip("/")
        try:
            await self.session.request_json("GET", path, resource="pods", namespace=self.namespace)
        except Exception:
            return False
        return True

    async def close(self) -> None:
        if self._pod_seen is not None and not self._pod_seen.done():
            self._pod_seen.cancel()
        await super().close()

    async def read(self) -> bytes:
        data = await super().read()
        if not data and self._refined is None:
            ending = self._stream.exit
            if ending is not None and ending.reason == "exited" and ending.code == 0:
                self._refined = await self._real_ending(ending)
        return data

    async def _real_ending(self, reported: BackendExit) -> BackendExit:
        path = pod_path(self.namespace, self.pod, "").rstrip("/")
        state: dict[str, Any] = {}
        for attempt in range(self.settle_tries):
            try:
                obj = await self.session.request_json(
                    "GET", path, resource="pods", namespace=self.namespace
                )
            except KubeError as exc:
                if exc.status == 404 and await self._was_seen():
                    # The stream "succeeded" because the pod went away.
                    return BackendExit(
                        None, "error", f"pod {self.namespace}/{self.pod} was deleted"
                    )
                return reported
            deleting = bool((obj.get("metadata") or {}).get("deletionTimestamp"))
            state = (container_status(obj, self.container) or {}).get("state") or {}
            if "terminated" in state:
                term = state["terminated"] or {}
                code = term.get("exitCode")
                reason = term.get("reason") or "Terminated"
                text = f"container {self.container} exited with code {code} ({reason})"
                if deleting:
                    text += f"; pod {self.namespace}/{self.pod} was deleted"
                return BackendExit(code, "error" if deleting else "exited", text)
            if deleting and attempt + 1 >= self.settle_tries:
                return BackendExit(
                    None, "error", f"pod {self.namespace}/{self.pod} is being deleted"
                )
            if attempt + 1 < self.settle_tries:
                await asyncio.sleep(self.settle_interval)
        if "running" in state:
            return BackendExit(
                None,
                "closed",
                f"the attach session ended; container {self.container} is still running "
                "(attach again to continue)",
            )
        return reported

    async def _was_seen(self) -> bool:
        task = self._pod_seen
        if task is None:
            return False
        try:
            return await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task.cancelled() and not (current is not None and current.cancelling()):
                return False  # only the probe was cancelled (by close())
            raise

    def __init__(
        self,
        session: Any,
        namespace: str,
        pod: str,
        container: str,
        *,
        stdin: bool = True,
        tty: bool = True,
        **options: Any,
    ) -> None:
        query = [
            ("container", container),
            ("stdin", _flag(stdin)),
            ("stdout", "true"),
            ("stderr", _flag(not tty)),
            ("tty", _flag(tty)),
        ]
        super().__init__(
            session, namespace, pod, container, stdin=stdin, tty=tty, query=query, **options
        )


class ExecSession(_StreamBackend):
    """`kubectl exec` of an argv as a TerminalBackend (also used for one-shot commands)."""

    _subresource = "exec"

    def __init__(
        self,
        session: Any,
        namespace: str,
        pod: str,
        container: str,
        command: list[str],
        *,
        stdin: bool = True,
        tty: bool = True,
        **options: Any,
    ) -> None:
        if not command:
            raise KubeError("Nothing to run", "exec needs a command", reason="InvalidRequest")
        query = [("command", arg) for arg in command] + [
            ("container", container),
            ("stdin", _flag(stdin)),
            ("stdout", "true"),
            ("stderr", _flag(not tty)),
            ("tty", _flag(tty)),
        ]
        self.command = list(command)
        super().__init__(
            session, namespace, pod, container, stdin=stdin, tty=tty, query=query, **options
        )


async def run_command(
    session: Any, namespace: str, pod: str, container: str, command: list[str], **options: Any
) -> tuple[bytes, BackendExit]:
    """Run argv in the container without a tty and collect its output (e.g. /proc reads)."""
    backend = ExecSession(
        session, namespace, pod, container, command, stdin=False, tty=False, crlf=False, **options
    )
    await backend.start(80, 24)
    chunks: list[bytes] = []
    try:
        while chunk := await backend.read():
            chunks.append(chunk)
    finally:
        await backend.close()
    exit_ = backend.exit or BackendExit(None, "dropped", "no exit status")
    return b"".join(chunks), exit_


def _flag(value: bool) -> str:
    return "true" if value else "false"


class AttachOrLogs:
    """kubectl debug's behaviour: attach to a running container; for a terminated one show
    its logs and how it ended. Decided in `start()`, from a fresh read of the pod."""

    def __init__(
        self,
        session: Any,
        namespace: str,
        pod: str,
        container: str,
        *,
        stdin: bool = True,
        tty: bool = True,
        **options: Any,
    ) -> None:
        self.session = session
        self.namespace = namespace
        self.pod = pod
        self.container = container
        self._stdin = stdin
        self._tty = tty
        self._options = options
        self.backend: TerminalBackend | None = None

    @property
    def showing_logs(self) -> bool:
        return isinstance(self.backend, LogsBackend)

    async def start(self, columns: int, lines: int) -> None:
        try:
            obj = await self.session.request_json(
                "GET",
                pod_path(self.namespace, self.pod, "").rstrip("/"),
                resource="pods",
                namespace=self.namespace,
            )
        except KubeError as exc:
            if exc.status == 404:
                raise KubeError(
                    "Pod deleted", f"pod {self.namespace}/{self.pod} was deleted"
                ) from None
            raise
        state = container_status(obj, self.container)
        terminated = (state or {}).get("state", {}).get("terminated")
        if terminated is None:
            attach = AttachSession(
                self.session,
                self.namespace,
                self.pod,
                self.container,
                stdin=self._stdin,
                tty=self._tty,
                **self._options,
            )
            try:
                await attach.start(columns, lines)
                self.backend = attach
                return
            except KubeError:
                obj = await self.session.request_json(
                    "GET", pod_path(self.namespace, self.pod, "").rstrip("/"), resource="pods"
                )
                state = container_status(obj, self.container)
                terminated = (state or {}).get("state", {}).get("terminated")
                if terminated is None:
                    raise
        code = terminated.get("exitCode")
        reason = terminated.get("reason") or "Terminated"
        ending = BackendExit(
            code,
            "exited",
            f"container {self.container} terminated: {reason} (exit code {code}); showing its logs",
        )
        self.backend = LogsBackend(
            self.session, self.namespace, self.pod, self.container, ending=ending
        )
        await self.backend.start(columns, lines)

    async def read(self) -> bytes:
        return await self.backend.read() if self.backend else b""

    async def write(self, data: bytes) -> None:
        if self.backend:
            await self.backend.write(data)

    async def resize(self, columns: int, lines: int) -> None:
        if self.backend:
            await self.backend.resize(columns, lines)

    async def close(self) -> None:
        if self.backend:
            await self.backend.close()

    @property
    def exit(self) -> BackendExit | None:
        return self.backend.exit if self.backend else None


def attach_or_logs(
    session: Any, namespace: str, pod: str, container: str, **options: Any
) -> AttachOrLogs:
    return AttachOrLogs(session, namespace, pod, container, **options)
