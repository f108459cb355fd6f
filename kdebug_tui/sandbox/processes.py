"""Launching the real local processes that stand in for containers.

With a TTY the process gets a real PTY as its controlling terminal; without one stdout and
stderr are separate pipes. The namespace tools in front of the program come from
`namespaces.py`; this module runs the result, pumps its output into the event loop without
threads, and ends it (and everything it started) cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import signal
import struct
import subprocess
import termios
from collections.abc import Callable

from kdebug_tui.sandbox.namespaces import (
    RuntimeCapabilities,
    SpawnSpec,
    ctty_inside,
    descendants,
    in_setup,
    kill_session,
    past_wrappers,
    probe_capabilities,
    read_text,
    session_members,
    term_has_no_effect,
    uts_namespaces,
    wrap_argv,
)

__all__ = [
    "Process",
    "RuntimeCapabilities",
    "SpawnSpec",
    "kill_session",
    "probe_capabilities",
    "session_members",
    "uts_namespaces",
]

READ_CHUNK = 65536
# util-linux 2.38's unshare prints this (to the container's stderr) when its child is killed
# by a signal, and exits 1; a runtime shows neither.
_UNSHARE_NOISE = b"unshare: sigprocmask unblock failed: Invalid argument"


def _set_winsize(fd: int, columns: int, lines: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))


def _make_controlling_tty() -> None:  # runs in the child between fork and exec
    fcntl.ioctl(1, termios.TIOCSCTTY, 0)  # stdout is the PTY even when stdin is not


class Process:
    """One running process tree: its output goes to `on_output(channel, data)`.

    Channel 1 is stdout (the PTY with a TTY), 2 is stderr. `on_output(0, b"")` is never
    called; end of output is `on_eof()`, called once after the process exited and every
    byte it wrote was delivered.
    """

    def __init__(self, spec: SpawnSpec) -> None:
        self.spec = spec
        self.tty = spec.tty
        self.on_output: Callable[[int, bytes], None] = lambda _c, _d: None
        self.on_eof: Callable[[], None] = lambda: None
        self.returncode: int | None = None
        self.main_pid: int | None = None  # the container's own process (inside namespaces)
        self._killed = False  # we sent SIGKILL (stop after the grace period)
        self._held: dict[int, bytes] = {}  # fd -> output held back by _without_noise
        self._popen: subprocess.Popen[bytes] | None = None
        self._master: int | None = None
        self._stdin_w: int | None = None
        self._readers: dict[int, int] = {}  # fd -> channel
        self._paused = False
        self._exited = asyncio.Event()
        self._eof = asyncio.Event()
        self._pidfd: int | None = None
        self._forked = False
        self._loop = asyncio.get_running_loop()

    # -- starting -------------------------------------------------------------------
    def start(self) -> None:
        """Fork and exec; raises OSError when the wrapper itself cannot start."""
        spec = self.spec
        argv, self._forked = wrap_argv(spec)
        slave: int | None = None
        close_after: list[int] = []
        try:
            if spec.tty:
                self._master, slave = os.openpty()
                _set_winsize(slave, spec.columns, spec.lines)
                close_after.append(slave)
                stdin: int = slave if spec.stdin else subprocess.DEVNULL
                stdout = stderr = slave
                preexec: Callable[[], None] | None = (
                    None if ctty_inside(spec) else _make_controlling_tty
                )
            else:
                preexec = None
                if spec.stdin:
                    r, self._stdin_w = os.pipe()
                    close_after.append(r)
                    stdin = r
                else:
                    stdin = subprocess.DEVNULL
                out_r, out_w = os.pipe()
                err_r, err_w = os.pipe()
                close_after += [out_w, err_w]
                stdout, stderr = out_w, err_w
                self._readers = {out_r: 1, err_r: 2}
            self._popen = subprocess.Popen(
                argv,
                stdin=stdin,
                stdout=stdout,
                stderr=stderr,
                cwd=spec.cwd,
                env=spec.env,
                start_new_session=True,
                preexec_fn=preexec,
                close_fds=True,
            )
        except BaseException:
            for fd in [*close_after, *self._readers, self._master, self._stdin_w]:
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            self._readers = {}
            self._master = self._stdin_w = None
            raise
        for fd in close_after:
            os.close(fd)
        if self._master is not None:
            self._readers = {self._master: 1}
        for fd in self._readers:
            os.set_blocking(fd, False)
            self._loop.add_reader(fd, self._on_readable, fd)
        if self._master is not None:
            os.set_blocking(self._master, False)
        if self._stdin_w is not None:
            os.set_blocking(self._stdin_w, False)
        self._pidfd = os.pidfd_open(self._popen.pid)
        self._loop.add_reader(self._pidfd, self._on_exit)

    @property
    def pid(self) -> int:
        assert self._popen is not None
        return self._popen.pid

    async def inner_pid(self) -> int:
        """The container's own process, once it runs the container's program.

        A namespace tool forks, then the child execs through helpers (mount script,
        setsid, setpriv) into the program; "running" must not be reported before that, or
        a debugger started right after would not yet see the program in `ps`."""
        if not self._forked:
            self.main_pid = self.pid
            return self.pid
        deadline = self._loop.time() + 2.0
        path = f"/proc/{self.pid}/task/{self.pid}/children"
        while self._loop.time() < deadline and self.returncode is None:
            with contextlib.suppress(OSError, ValueError):
                children = read_text(path).split()
                if children and not in_setup(self.pid):
                    self.main_pid = int(children[0])
                    if past_wrappers(self.main_pid):
                        return self.main_pid
            await asyncio.sleep(0.002)
        return self.main_pid or self.pid

    # -- output ---------------------------------------------------------------------
    def _on_readable(self, fd: int) -> None:
        # A PTY hands out at most ~4 KiB per read: gather what is ready into one chunk so a
        # flood becomes a few large websocket frames instead of thousands of small ones.
        parts: list[bytes] = []
        size = 0
        ended = False
        while size < READ_CHUNK:
            try:
                data = os.read(fd, READ_CHUNK - size)
            except BlockingIOError:
                break
            except OSError as exc:  # EIO: the PTY's last slave closed
                if exc.errno not in (errno.EIO, errno.EBADF):
                    raise
                data = b""
            if not data:
                ended = True
                break
            parts.append(data)
            size += len(data)
            if fd != self._master:
                break  # a pipe gives everything it has in one read
        if parts:
            data = b"".join(parts)
            if self._killed:
                data = self._without_noise(fd, data)
            if data:
                self.on_output(self._readers[fd], data)
        if ended:
            self._drop_reader(fd)

    def _without_noise(self, fd: int, data: bytes) -> bytes:
        """Drop unshare's line, which it may write in pieces: a trailing fragment that could
        be its start is held back until the next read (and dropped at the end)."""
        data = self._held.pop(fd, b"") + data
        for end in (b"\r\n", b"\n"):
            data = data.replace(_UNSHARE_NOISE + end, b"")
        line = _UNSHARE_NOISE + b"\r\n"
        for start in range(max(0, len(data) - len(line)), len(data)):
            if line.startswith(data[start:]):
                self._held[fd] = data[start:]
                return data[:start]
        return data

    def _drop_reader(self, fd: int) -> None:
        if fd not in self._readers:
            return
        held = self._held.pop(fd, b"")
        if held and not held.startswith(b"unshare:"):  # real output that only looked alike
            self.on_output(self._readers[fd], held)
        self._loop.remove_reader(fd)
        del self._readers[fd]
        if fd != self._master:
            os.close(fd)
        self._check_done()

    def pause_reading(self) -> None:
        if not self._paused:
            self._paused = True
            for fd in self._readers:
                self._loop.remove_reader(fd)

    def resume_reading(self) -> None:
        if self._paused:
            self._paused = False
            for fd in self._readers:
                self._loop.add_reader(fd, self._on_readable, fd)

    # -- input ----------------------------------------------------------------------
    async def write(self, data: bytes) -> None:
        """Write to stdin (or the PTY); waits while the pipe is full; drops after close."""
        fd = self._master if self.tty and self.spec.stdin else self._stdin_w
        view = memoryview(data)
        while view and fd is not None and self.returncode is None:
            try:
                n = os.write(fd, view)
                view = view[n:]
            except BlockingIOError:
                await self._writable(fd)
            except OSError:
                return
            fd = self._master if self.tty and self.spec.stdin else self._stdin_w

    async def _writable(self, fd: int) -> None:
        ready = self._loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        self._loop.add_writer(fd, wake)
        try:
            await asyncio.wait_for(ready, 1.0)
        except TimeoutError:
            pass
        finally:
            self._loop.remove_writer(fd)

    def close_stdin(self) -> None:
        """EOF on stdin: closes the pipe, or types the EOF character on a PTY."""
        if self.tty:
            if self._master is not None and self.spec.stdin and self.returncode is None:
                with contextlib.suppress(OSError):
                    os.write(self._master, b"\x04")
            return
        if self._stdin_w is not None:
            with contextlib.suppress(OSError):
                os.close(self._stdin_w)
            self._stdin_w = None

    def resize(self, columns: int, lines: int) -> None:
        """TIOCSWINSZ on the PTY: the kernel sends SIGWINCH to the foreground group."""
        if self._master is None or columns <= 0 or lines <= 0:
            return
        with contextlib.suppress(OSError):
            _set_winsize(self._master, min(columns, 10000), min(lines, 10000))

    # -- ending ---------------------------------------------------------------------
    def _on_exit(self) -> None:
        assert self._popen is not None and self._pidfd is not None
        code = self._popen.poll()
        if code is None:
            return
        self._loop.remove_reader(self._pidfd)
        os.close(self._pidfd)
        self._pidfd = None
        self.returncode = code
        self._exited.set()
        # A container ends with its main process: whatever it left behind dies too, and
        # then the PTY reports EIO once its buffered output has been read. A PID namespace
        # took everything with it already; otherwise look for stragglers by session.
        if not self.spec.new_pid_namespace:
            self._kill_sessions(signal.SIGKILL)
        self._loop.create_task(self._finish_output())

    async def _finish_output(self) -> None:
        self.resume_reading()
        self._check_done()  # the pipes may have reached EOF before the exit was seen
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._eof.wait(), 2.0)
        for fd in list(self._readers):
            self._drop_reader(fd)
        self._check_done()

    def _check_done(self) -> None:
        if self._eof.is_set() or self._readers or self.returncode is None:
            return
        self._eof.set()
        self._close_fds()
        self.on_eof()

    def _close_fds(self) -> None:
        if self._master is not None:
            with contextlib.suppress(OSError):
                os.close(self._master)
            self._master = None
        if self._stdin_w is not None:
            with contextlib.suppress(OSError):
                os.close(self._stdin_w)
            self._stdin_w = None

    @property
    def exit_code(self) -> int | None:
        """As a container runtime reports it: 128 + signal when killed by a signal."""
        if self.returncode is None:
            return None
        if self._killed and self.returncode == 1 and self.spec.new_pid_namespace:
            return 128 + signal.SIGKILL  # unshare 2.38 says 1 for a child killed by a signal
        return 128 - self.returncode if self.returncode < 0 else self.returncode

    async def wait(self) -> int:
        await self._exited.wait()
        code = self.exit_code
        assert code is not None
        return code

    async def wait_output_done(self) -> None:
        await self._eof.wait()

    async def stop(self, grace: float) -> None:
        """SIGTERM to the container's main process, SIGKILL to the rest after `grace` s.

        Parents outlive their children here: the namespace tool (unshare/nsenter) is killed
        last so it reaps what it forked; a PID namespace's init reaps the whole namespace
        as it dies. Orphans would otherwise become zombies of an init that never reaps."""
        if self._popen is None:
            return
        if self.returncode is None:
            main = self._main_pid()
            # judged before sending: a program that handles TERM resets its handlers while
            # it exits, and must not be mistaken for one that ignores TERM
            if term_has_no_effect(main):
                grace = 0.0  # PID 1 without a handler, or TERM ignored: nothing to wait for
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(main, signal.SIGTERM)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._exited.wait(), grace)
        if self.returncode is None:
            self._killed = True
            for pid in descendants(self.pid):  # children before the wrapper that reaps them
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._exited.wait(), 2.0)
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._exited.wait(), 5.0)
        if self.returncode is None:  # pragma: no cover - the kernel always delivers SIGKILL
            self._popen.wait(timeout=5)
            self._on_exit()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._eof.wait(), 3.0)

    def _kill_sessions(self, sig: int, *, spare: int | None = None) -> None:
        """The wrapper's session, and the container's own when it leads its TTY's."""
        kill_session(self.pid, sig, spare=spare)
        if self.main_pid is not None and self.main_pid != self.pid:
            kill_session(self.main_pid, sig, spare=spare)

    def _main_pid(self) -> int:
        """The process a runtime would signal: the container's own, not the wrapper."""
        if self.main_pid is not None:
            return self.main_pid
        if self._forked:
            with contextlib.suppress(OSError, ValueError, IndexError):
                return int(read_text(f"/proc/{self.pid}/task/{self.pid}/children").split()[0])
        return self.pid
