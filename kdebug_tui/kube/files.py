"""Files in and out of a target container that has no shell (distroless), via a debugger.

A debugger that shares the target's PID namespace reaches the target's filesystem at
`/proc/<pid>/root` (the kernel allows it with the same uid or CAP_SYS_PTRACE). Everything
here is an exec into that debugger with an argv list; paths are arguments, never part of a
shell string. Only small, portable tools are used (busybox and GNU alike):

- list:     find DIR/ -mindepth 1 -maxdepth 1 -exec stat -c '%f %s %Y %u %g %n' {} +
            (two processes whatever the size of the directory; a name with a newline is
            re-joined: a new entry starts only at a metadata-shaped line under DIR)
- download: cat -- FILE over the exec's stdout channel (stderr kept apart), then
            sha256sum -- FILE remotely, compared with the local hash (kubectl exec can
            truncate stdout without an error: kubernetes issue 124571); one retry
- upload:   stdin into `sh -c 'head -c "$2" > "$1"; r=$?; sleep 0.2; exit $r'`, then
            sha256sum remotely; one retry. The command stops by itself after SIZE bytes and
            stays alive 0.2 s; stdin is half-closed only if it has not ended by then. CRI
            exec (containerd issue 13934) cut `cat > f` at a multiple of 32 KiB when the
            client half-closed right after the data; this shape kept every byte in 10/10
            runs on a real node (PROTOCOL.md).

Paths are first resolved inside the target (target_paths.py): the kernel would follow an
absolute symlink under /proc/<pid>/root into the *debugger's* root.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

from ..term.backend import BackendExit
from .attach import ExecSession
from .errors import KubeError
from .file_entries import STAT_FORMAT, Entry, clean_path, parse_listing
from .file_exec import (
    cancel,
    exec_error,
    fs_error,
    local_error,
    next_frame,
    send,
    until_exit,
)
from .podstate import container_spec, container_status
from .proctable import container_id, parse_proc_table, pick_target, proc_table_argv
from .target_paths import parse_resolved, resolve_argv

__all__ = ["STAT_FORMAT", "Entry", "TargetFiles", "clean_path", "parse_listing"]
Progress = Callable[[int, int | None], None]
CHUNK = 64 * 1024
WRITE_BATCH = 1024 * 1024  # local writes go to a thread in pieces this large
# A step that sends nothing for this long is treated as lost: the file browser shows why
# instead of a progress bar that never moves (a wedged exec, a silent network drop).
IDLE_SECONDS = 30.0
# After the last byte: how long the upload command may take to end by itself before stdin
# is half-closed (it then ends at once, and a short file fails the checksum).
UPLOAD_SETTLE_SECONDS = 10.0
UPLOAD_SCRIPT = 'head -c "$2" > "$1"; r=$?; sleep 0.2; exit $r'
USERNS_MESSAGE = (
    "/proc/{pid}/root is not accessible: the target runs in a user namespace or the debugger "
    "lacks SYS_PTRACE; use the general or sysadmin profile"
)


class TargetFiles:
    """The target's filesystem as seen from `debugger`; make one with `await open(...)`."""

    def __init__(self, session: Any, namespace: str, pod: str, debugger: str, pid: int) -> None:
        self.session = session
        self.namespace = namespace
        self.pod = pod
        self.debugger = debugger
        self.pid = pid

    @property
    def root(self) -> str:
        return f"/proc/{self.pid}/root"

    def remote(self, path: str) -> str:
        cleaned = clean_path(path)
        return self.root + ("" if cleaned == "/" else cleaned)

    @classmethod
    async def open(
        cls,
        session: Any,
        namespace: str,
        pod: str,
        debugger: str,
        *,
        target: str | None = None,
        pid: int | None = None,
    ) -> TargetFiles:
        """Find the target's main process from the debugger and check its root is readable."""
        obj = await session.request_json(
            "GET", f"/api/v1/namespaces/{quote(namespace)}/pods/{quote(pod)}", resource="pods"
        )
        spec, kind = container_spec(obj, debugger)
        if spec is None:
            raise KubeError(
                "No such container", f"{debugger} is not in pod {pod}", reason="NotFound"
            )
        if "running" not in ((container_status(obj, debugger) or {}).get("state") or {}):
            raise KubeError(
                "Debugger not running", f"{debugger} is not running", reason="NotRunning"
            )
        target = target or spec.get("targetContainerName")
        pod_spec = obj.get("spec") or {}
        shared = pod_spec.get("shareProcessNamespace") or pod_spec.get("hostPID")
        if kind == "ephemeral" and not spec.get("targetContainerName") and not shared:
            raise KubeError(
                "No shared PID namespace",
                f"{debugger} was started without a target container (--target), so it cannot "
                "see the target's processes or files",
                reason="NoSharedPidNamespace",
                hint="start a debugger with a target container",
            )
        files = cls(session, namespace, pod, debugger, pid or 0)
        if pid is None:
            cid = container_id(obj, target) if target else ""
            out, _err, ending = await files._run(proc_table_argv(cid))
            if ending.code != 0:
                raise exec_error(ending, "reading /proc")
            files.pid = pick_target(parse_proc_table(out.decode("utf-8", "replace"))).pid
        _out, err, ending = await files._run(["stat", "-L", "-c", "%i", files.root + "/"])
        if ending.code != 0:
            if b"ermission denied" in err or b"ermission denied" in _out:
                raise KubeError(
                    "Target filesystem not accessible",
                    USERNS_MESSAGE.format(pid=files.pid),
                    reason="Forbidden",
                )
            raise fs_error(err, ending, "/", "open")
        return files

    async def _run(
        self, argv: list[str], stdin: bytes | None = None
    ) -> tuple[bytes, bytes, BackendExit]:
        backend = ExecSession(
            self.session, self.namespace, self.pod, self.debugger, argv,
            stdin=False, tty=False, crlf=False,
        )  # fmt: skip
        await backend.start(80, 24)
        out, err = bytearray(), bytearray()
        try:
            while (frame := await next_frame(backend, argv[0], IDLE_SECONDS)) is not None:
                (out if frame[0] == 1 else err).extend(frame[1])
        finally:
            await backend.close()
        return bytes(out), bytes(err), backend.exit or BackendExit(None, "dropped", "no status")

    async def resolve(self, path: str, *, follow_last: bool = True) -> str:
        """`path` with its symlinks resolved inside the target (see target_paths.py)."""
        cleaned = clean_path(path)
        if not follow_last and cleaned != "/":
            parent = await self.resolve(posixpath.dirname(cleaned))
            return posixpath.join(parent, posixpath.basename(cleaned))
        out, err, ending = await self._run(resolve_argv(self.root, cleaned))
        if ending.code != 0:
            if ending.code == 40:
                raise KubeError(
                    "Too many symbolic links", f"{cleaned}: too many levels of symbolic links",
                    reason="SymlinkLoop",
                )  # fmt: skip
            raise fs_error(err, ending, cleaned, "resolve")
        return clean_path(parse_resolved(out))

    async def stat(self, path: str) -> Entry:
        """The entry itself (a link is reported as a link); its parents are resolved."""
        return await self._stat(await self.resolve(path, follow_last=False), path)

    async def _stat(self, resolved: str, shown: str) -> Entry:
        remote = self.remote(resolved)
        out, err, ending = await self._run(["stat", "-c", STAT_FORMAT, remote])
        if ending.code != 0:
            raise fs_error(err, ending, clean_path(shown), "stat")
        entries = parse_listing(out.rstrip(b"\n"), posixpath.dirname(remote))
        if len(entries) != 1:
            raise KubeError(
                "Unexpected stat output", f"stat {clean_path(shown)}", reason="FileError"
            )
        return entries[0]

    async def list_dir(self, path: str) -> list[Entry]:
        """The entries of directory `path` (followed if a link; entries are not followed)."""
        resolved = await self.resolve(path)
        remote = self.remote(resolved)
        argv = ["find", remote + "/", "-mindepth", "1", "-maxdepth", "1",
                "-exec", "stat", "-c", STAT_FORMAT, "{}", "+"]  # fmt: skip
        out, err, ending = await self._run(argv)
        entries = parse_listing(out, remote)
        if ending.code != 0 and not entries:
            raise fs_error(err, ending, clean_path(path), "list")
        if not entries:
            info = await self._stat(resolved, path)
            if info.kind != "dir":
                raise KubeError(
                    "Not a directory",
                    f"{clean_path(path)} is a {info.kind}",
                    reason="NotADirectory",
                )
        return entries

    async def sha256(self, path: str) -> str:
        out, err, ending = await self._run(["sha256sum", "--", self.remote(path)])
        if ending.code != 0:
            raise fs_error(err, ending, clean_path(path), "checksum")
        # GNU sha256sum escapes odd names and then starts the line with a backslash
        return out.lstrip(b"\\").split(b" ", 1)[0].decode("ascii", "replace")

    async def download(
        self, remote_path: str, local_path: str | Path, on_progress: Progress | None = None
    ) -> str:
        """Copy a target file here; returns its sha256, verified against a remote sha256sum
        (retried once: a truncated stream shows only as a different checksum)."""
        try:
            return await self._download(remote_path, local_path, on_progress)
        except KubeError as exc:
            if exc.reason != "ChecksumMismatch":
                raise
        try:
            return await self._download(remote_path, local_path, on_progress)
        except KubeError as exc:
            if exc.reason == "ChecksumMismatch":
                exc.message += " (after one retry)"
            raise

    async def _download(
        self, remote_path: str, local_path: str | Path, on_progress: Progress | None
    ) -> str:
        shown = remote_path
        remote_path = await self.resolve(remote_path)
        info = await self._stat(remote_path, shown)
        if info.kind != "file":
            raise KubeError("Not a file", f"{clean_path(remote_path)} is a {info.kind}")
        local = Path(local_path)
        partial = local.with_name(local.name + ".part")
        digest = hashlib.sha256()
        done, err = 0, bytearray()
        try:
            sink = await asyncio.to_thread(partial.open, "wb")
        except OSError as exc:
            raise local_error(partial, exc) from None
        backend = ExecSession(
            self.session, self.namespace, self.pod, self.debugger,
            ["cat", "--", self.remote(remote_path)], stdin=False, tty=False, crlf=False,
        )  # fmt: skip
        remote_sum: asyncio.Task[str] | None = None
        try:
            await backend.start(80, 24)
            # the remote checksum runs while the bytes stream (the file is the same one)
            remote_sum = asyncio.create_task(self.sha256(remote_path))
            with sink:
                pending: list[bytes] = []
                size = 0
                while (frame := await next_frame(backend, "cat", IDLE_SECONDS)) is not None:
                    if frame[0] != 1:
                        err.extend(frame[1])
                        continue
                    digest.update(frame[1])
                    pending.append(frame[1])
                    size += len(frame[1])
                    done += len(frame[1])
                    if size >= WRITE_BATCH:
                        await asyncio.to_thread(sink.write, b"".join(pending))
                        pending, size = [], 0
                    if on_progress is not None:
                        on_progress(done, info.size)
                await asyncio.to_thread(sink.write, b"".join(pending))
        except OSError as exc:  # the local disk (full, gone): nothing half-written is kept
            sink.close()
            partial.unlink(missing_ok=True)
            await cancel(remote_sum)
            raise local_error(partial, exc) from None
        except BaseException:
            sink.close()
            partial.unlink(missing_ok=True)
            await cancel(remote_sum)
            raise
        finally:
            await backend.close()
        ending = backend.exit or BackendExit(None, "dropped", "no status")
        if ending.code != 0:
            partial.unlink(missing_ok=True)
            await cancel(remote_sum)
            raise fs_error(bytes(err), ending, clean_path(remote_path), "download")
        local_hash = digest.hexdigest()
        try:
            assert remote_sum is not None
            remote_hash = await remote_sum
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        if remote_hash != local_hash:
            partial.unlink(missing_ok=True)
            raise KubeError(
                "Download not verified",
                f"{clean_path(remote_path)}: sha256 differs ({done} of {info.size} bytes "
                "received); the stream was cut short or the file changed while it was copied",
                reason="ChecksumMismatch",
            )
        os.replace(partial, local)
        return local_hash

    async def upload(
        self, local_path: str | Path, remote_path: str, on_progress: Progress | None = None
    ) -> str:
        """Copy a local file into the target; returns its sha256, verified remotely (and
        retried once when the copy differs)."""
        local = Path(local_path)
        last: KubeError | None = None
        for _attempt in range(2):
            try:
                size = (await asyncio.to_thread(local.stat)).st_size
                source = await asyncio.to_thread(local.open, "rb")
            except OSError as exc:
                raise local_error(local, exc) from None
            with source:
                try:
                    return await self._upload(source, size, remote_path, on_progress)
                except KubeError as exc:
                    if exc.reason != "ChecksumMismatch":
                        raise
                    last = exc
        assert last is not None
        last.message += " (after one retry)"
        raise last

    async def _upload(
        self, source: BinaryIO, size: int, remote_path: str, on_progress: Progress | None
    ) -> str:
        remote_path = await self.resolve(remote_path)
        remote = self.remote(remote_path)
        backend = ExecSession(
            self.session, self.namespace, self.pod, self.debugger,
            ["sh", "-c", UPLOAD_SCRIPT, "kdebug-upload", remote, str(size)],
            stdin=True, tty=False, crlf=False,
        )  # fmt: skip
        await backend.start(80, 24)
        digest = hashlib.sha256()
        done, err = 0, bytearray()
        try:
            while block := await asyncio.to_thread(source.read, WRITE_BATCH):
                if backend.exit is not None:
                    break  # the far side failed (e.g. permission denied): read why below
                digest.update(block)
                for start in range(0, len(block), CHUNK):
                    await send(backend, block[start : start + CHUNK], IDLE_SECONDS)
                    done += min(CHUNK, len(block) - start)
                    if on_progress is not None:
                        on_progress(done, size)
            err.extend(await until_exit(backend, UPLOAD_SETTLE_SECONDS))
            if backend.exit is None:
                # not ended by itself: bytes went missing on the way; EOF ends it now, and
                # the checksum below reports the short copy
                await backend.close_stdin()
                err.extend(await until_exit(backend, IDLE_SECONDS))
        finally:
            await backend.close()
        ending = backend.exit or BackendExit(None, "dropped", "no status")
        if ending.code != 0:
            raise fs_error(bytes(err), ending, clean_path(remote_path), "upload")
        local_hash = digest.hexdigest()
        remote_hash = await self.sha256(remote_path)
        if remote_hash != local_hash:
            raise KubeError(
                "Upload not verified",
                f"{clean_path(remote_path)}: the copy's sha256 differs from the local file's",
                reason="ChecksumMismatch",
            )
        return local_hash
