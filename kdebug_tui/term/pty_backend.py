"""A local program under a real pseudo-terminal, as a TerminalBackend.

Used for local shells and by tests that need a real tty on the far side (line discipline,
job control, SIGWINCH). The program is an argv list, never a shell string; it runs in its own
session with the pty as its controlling terminal, and `close()` ends the whole process group.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import signal
import struct
import termios
from collections.abc import Mapping, Sequence

from kdebug_tui.term.backend import BackendExit

READ_SIZE = 65536
# How long a process group gets between SIGHUP and SIGKILL when the backend is closed.
CLOSE_GRACE = 0.5
# How long to wait for the exit status once the terminal has hung up.
EXIT_WAIT = 5.0


def _set_winsize(fd: int, columns: int, lines: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))


def _become_tty_session_leader() -> None:  # runs in the child between fork and exec
    # The child is already a session leader (start_new_session); make stdin (the pty slave)
    # its controlling terminal so ^C, ^Z and SIGWINCH reach its foreground process group.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def describe_returncode(code: int) -> tuple[int, str]:
    """(shell-style exit code, plain message) for an asyncio returncode."""
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return 128 - code, f"killed by {name}"
    return code, f"exited with code {code}"


class PtyBackend:
    """Run `argv` under a PTY; read/write/resize it like a remote terminal."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        term: str = "xterm-256color",
    ) -> None:
        if isinstance(argv, str) or not argv:
            raise ValueError("argv must be a non-empty list of arguments, not a shell string")
        self.argv = [str(arg) for arg in argv]
        base_env = dict(os.environ if env is None else env)
        base_env["TERM"] = term
        base_env.pop("COLUMNS", None)
        base_env.pop("LINES", None)
        self._env = base_env
        self._cwd = cwd
        self._master: int | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._exit: BackendExit | None = None
        self._closing = False
        self._eof = False
        self._readable = asyncio.Event()
        self._exit_known = asyncio.Event()
        self._size = (80, 24)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def exit(self) -> BackendExit | None:
        return self._exit

    async def start(self, columns: int, lines: int) -> None:
        columns, lines = max(1, columns), max(1, lines)
        master, slave = os.openpty()
        try:
            _set_winsize(slave, columns, lines)
            self._process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=self._env,
                cwd=self._cwd,
                start_new_session=True,
                preexec_fn=_become_tty_session_leader,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)  # only the child holds the slave now, so EOF shows when it exits
        os.set_blocking(master, False)
        self._master = master
        self._size = (columns, lines)
        asyncio.get_running_loop().add_reader(master, self._readable.set)

    def _stop_reading(self) -> None:
        if self._master is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(self._master)

    async def read(self) -> bytes:
        """The next chunk of output; b"" once the program is gone (exit is then set)."""
        while not self._eof:
            if self._master is None or self._closing:
                break
            try:
                data = os.read(self._master, READ_SIZE)
            except BlockingIOError:
                self._readable.clear()
                await self._readable.wait()
                continue
            except OSError as exc:
                if exc.errno not in (errno.EIO, errno.EBADF):
                    await self._finish(BackendExit(None, "error", f"pty read failed: {exc}"))
                    return b""
                data = b""  # EIO: every slave fd is closed, the program has exited
            if data:
                return data
            break
        await self._finish(None)
        return b""

    async def _finish(self, exit_: BackendExit | None) -> None:
        if self._eof:
            await self._exit_known.wait()  # another caller is already collecting the status
            return
        self._eof = True
        self._stop_reading()
        if exit_ is None and self._process is not None:
            if self._closing:
                await self._kill_group()
            try:
                code = await asyncio.wait_for(self._process.wait(), EXIT_WAIT)
            except TimeoutError:  # it closed the terminal but lives on (daemonised)
                exit_ = BackendExit(None, "closed", "the program closed its terminal")
            else:
                shell_code, message = describe_returncode(code)
                reason = "closed" if self._closing else "exited"
                exit_ = BackendExit(shell_code, reason, message)
        if exit_ is None:
            exit_ = BackendExit(None, "closed", "closed")
        self._exit = exit_
        self._exit_known.set()

    async def write(self, data: bytes) -> None:
        if self._master is None or self._eof or self._closing or not data:
            return
        view = memoryview(data)
        loop = asyncio.get_running_loop()
        while view:
            try:
                written = os.write(self._master, view)
                view = view[written:]
            except BlockingIOError:
                ready = loop.create_future()
                loop.add_writer(self._master, ready.set_result, None)
                try:
                    await ready
                finally:
                    loop.remove_writer(self._master)
            except OSError:
                return  # the program is gone; read() reports how it ended

    async def resize(self, columns: int, lines: int) -> None:
        """Set the window size; the kernel sends SIGWINCH to the foreground job."""
        columns, lines = max(1, columns), max(1, lines)
        if self._master is None or self._eof or (columns, lines) == self._size:
            return
        self._size = (columns, lines)
        with contextlib.suppress(OSError):
            _set_winsize(self._master, columns, lines)

    async def _kill_group(self) -> None:
        process = self._process
        if process is None or process.returncode is not None:
            return
        for sig in (signal.SIGHUP, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, sig)
            try:
                await asyncio.wait_for(process.wait(), CLOSE_GRACE)
                break
            except TimeoutError:
                continue
        # Anything else left in the group (a background job) gets the same fate.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)

    async def close(self) -> None:
        """Hang up: signal the process group, wait for it, release the pty. Idempotent."""
        if self._closing:
            return
        self._closing = True
        self._readable.set()  # wake a pending read() so it returns b""
        await self._kill_group()
        await self._finish(None)
        if self._master is not None:
            self._stop_reading()
            with contextlib.suppress(OSError):
                os.close(self._master)
            self._master = None


__all__ = ["PtyBackend", "describe_returncode"]
