"""Files out of (and into) a distroless target through a debugger, on the sandbox.

The sandbox's containers see this machine's filesystem, so what the debugger reads through
/proc/<pid>/root is checked against the files as this test wrote them (an independent path).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.files import TargetFiles
from kdebug_tui.kube.identity import TargetIdentity
from kdebug_tui.kube.session import KubeSession
from tests.kube.e2e import shared_sandbox_fixtures
from tests.kube.triage_helpers import get_pod, make_pod, start_debugger

pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_sandbox, shared_kube = shared_sandbox_fixtures()
# the machine's setpriv (busybox's has no --reuid): the uid is in no spec, only in /proc
SETPRIV = "/usr/bin/setpriv"
AS_1234 = [SETPRIV, "--reuid", "1234", "--regid", "1234", "--clear-groups", "sleep", "100000"]
ODD_NAME = "a b\nc|d é"


@pytest.fixture
def tree() -> Iterator[Path]:
    """A world-traversable directory (pytest's tmp dirs are 0700: uid 1234 could not enter)."""
    root = Path(tempfile.mkdtemp(prefix="kdebug-files-", dir="/tmp"))
    root.chmod(0o755)
    (root / "sub").mkdir()
    (root / "data.bin").write_bytes(os.urandom(300_000) + b"\r\n\0end")
    (root / ODD_NAME).write_text("odd\n")
    (root / "link").symlink_to("data.bin")
    secret = root / "root-only"
    secret.write_text("no")
    secret.chmod(0o600)
    (root / "drop").mkdir()
    (root / "drop").chmod(0o777)
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def distroless_files(shared_kube: KubeSession) -> TargetFiles:
    pod = await get_pod(shared_kube, "default", "web-distroless")
    built, _ = await start_debugger(shared_kube, pod)
    return await TargetFiles.open(shared_kube, "default", "web-distroless", built.container_name)


async def test_list_download_upload_in_a_distroless_target(
    distroless_files: TargetFiles, tree: Path, tmp_path: Path
) -> None:
    files = distroless_files
    assert files.pid == 1  # --target: the distroless program is pid 1 of the shared namespace
    entries = {e.name: e for e in await files.list_dir(str(tree))}
    assert set(entries) == {"sub", "data.bin", ODD_NAME, "link", "root-only", "drop"}
    assert entries["sub"].kind == "dir" and entries["link"].kind == "link"
    assert entries["data.bin"].size == (tree / "data.bin").stat().st_size
    assert entries["root-only"].mode == 0o600
    assert entries["data.bin"].mtime == int((tree / "data.bin").stat().st_mtime)

    seen: list[tuple[int, int | None]] = []
    local = tmp_path / "copy.bin"
    digest = await files.download(
        f"{tree}/data.bin", local, lambda done, total: seen.append((done, total))
    )
    original = (tree / "data.bin").read_bytes()
    assert local.read_bytes() == original
    assert digest == hashlib.sha256(original).hexdigest()
    assert seen[-1] == (len(original), len(original))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)

    assert (await files.download(f"{tree}/{ODD_NAME}", tmp_path / "odd")) == hashlib.sha256(
        b"odd\n"
    ).hexdigest()

    # links are followed inside the target: relative and absolute ones
    via_link = await files.download(f"{tree}/link", tmp_path / "via-link.bin")
    assert via_link == digest
    (tree / "abs").symlink_to(tree / "sub")
    (tree / "sub" / "inner").write_text("in")
    assert [e.name for e in await files.list_dir(f"{tree}/abs")] == ["inner"]
    assert (await files.stat(f"{tree}/abs")).kind == "link"  # the entry itself

    payload = tmp_path / "upload.bin"
    payload.write_bytes(os.urandom(200_000) + b"\n\0\r")
    up = await files.upload(payload, f"{tree}/sub/uploaded.bin")
    assert (tree / "sub" / "uploaded.bin").read_bytes() == payload.read_bytes()
    await files.upload(payload, f"{tree}/abs/through-link.bin")
    assert (tree / "sub" / "through-link.bin").read_bytes() == payload.read_bytes()
    assert up == hashlib.sha256(payload.read_bytes()).hexdigest()


async def test_clear_errors(distroless_files: TargetFiles, tree: Path, tmp_path: Path) -> None:
    files = distroless_files
    with pytest.raises(KubeError, match="does not exist") as missing:
        await files.list_dir(f"{tree}/nope")
    assert missing.value.status == 404
    with pytest.raises(KubeError, match="does not exist"):
        await files.download(f"{tree}/nope", tmp_path / "x")
    assert not (tmp_path / "x").exists() and not (tmp_path / "x.part").exists()
    with pytest.raises(KubeError, match="is not a directory"):
        await files.list_dir(f"{tree}/data.bin")
    with pytest.raises(KubeError, match="does not exist"):
        await files.upload(tree / "data.bin", f"{tree}/nope/deeper/x")
    with pytest.raises(KubeError, match="No such file") as local:
        await files.upload(tmp_path / "not-here", f"{tree}/x")
    assert local.value.reason == "LocalFileError"
    with pytest.raises(KubeError, match="No such file") as local:
        await files.download(f"{tree}/data.bin", tmp_path / "no-dir" / "x")
    assert local.value.reason == "LocalFileError"


async def test_permission_denied_and_user_namespace_message(
    shared_kube: KubeSession, tree: Path, tmp_path: Path
) -> None:
    # A target running as uid 1234 and a debugger as the same user: the root is readable,
    # a root-only file is not.
    pod = await make_pod(shared_kube, "files-1234", {"command": AS_1234})
    same = TargetIdentity(1234, 1234, "process", "test")
    built, _ = await start_debugger(shared_kube, pod, run_as_target_user=True, target_identity=same)
    files = await TargetFiles.open(shared_kube, "default", "files-1234", built.container_name)
    assert any(e.name == "data.bin" for e in await files.list_dir(str(tree)))
    with pytest.raises(KubeError, match="permission denied") as denied:
        await files.download(f"{tree}/root-only", tmp_path / "r")
    assert denied.value.status == 403
    with pytest.raises(KubeError, match="permission denied"):
        await files.upload(tree / "data.bin", f"{tree}/not-writable")
    await files.upload(tree / ODD_NAME, f"{tree}/drop/ok")  # a world-writable dir is fine

    # A debugger as another user without SYS_PTRACE cannot enter a root target's filesystem.
    root_pod = await make_pod(shared_kube, "files-root", {})
    other = TargetIdentity(4321, 4321, "process", "test")
    built, _ = await start_debugger(
        shared_kube, root_pod, run_as_target_user=True, target_identity=other
    )
    with pytest.raises(KubeError, match="is not accessible: the target runs in a user namespace"):
        await TargetFiles.open(shared_kube, "default", "files-root", built.container_name)


async def test_a_debugger_without_target_is_refused(shared_kube: KubeSession) -> None:
    pod = await make_pod(shared_kube, "files-notarget", {})
    built, _ = await start_debugger(shared_kube, pod, target=None)
    with pytest.raises(KubeError, match="without a target container") as info:
        await TargetFiles.open(shared_kube, "default", "files-notarget", built.container_name)
    assert info.value.reason == "NoSharedPidNamespace"


async def test_upload_over_v4_without_half_close(
    distroless_files: TargetFiles, tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kdebug_tui.kube import channels

    monkeypatch.setattr(channels, "PROTOCOLS", ("v4.channel.k8s.io",))
    payload = tmp_path / "v4.bin"
    payload.write_bytes(os.urandom(150_000))
    digest = await distroless_files.upload(payload, f"{tree}/v4.bin")
    assert (tree / "v4.bin").read_bytes() == payload.read_bytes()
    assert digest == hashlib.sha256(payload.read_bytes()).hexdigest()


async def test_a_dropped_download_loses_nothing(
    distroless_files: TargetFiles, tree: Path, tmp_path: Path, shared_sandbox: Any
) -> None:
    local = tmp_path / "dropped.bin"
    local.write_bytes(b"previous content")
    # each exec takes one: resolve and stat (small, unaffected), then the cat (dropped)
    shared_sandbox.faults.drop_attach_after(50_000, times=3)
    try:
        with pytest.raises(KubeError, match="download") as info:
            await distroless_files.download(f"{tree}/data.bin", local)
    finally:
        shared_sandbox.faults.clear()
    assert "closed without an exit status" in str(info.value), info.value
    assert local.read_bytes() == b"previous content"  # the old file is untouched
    assert not (tmp_path / "dropped.bin.part").exists()


async def test_a_refused_large_upload_ends_with_the_reason(
    distroless_files: TargetFiles, tree: Path, tmp_path: Path
) -> None:
    """The far side fails at once (cannot create the file) while megabytes are still to be
    sent: the upload must end with the reason, not wait on a stream nobody reads."""
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(24 * 1024 * 1024))
    with pytest.raises(KubeError) as info:  # a directory where the file should be
        await asyncio.wait_for(distroless_files.upload(big, f"{tree}/sub"), 60)
    assert info.value.reason == "IsADirectory", info.value.describe()


async def test_a_step_that_never_answers_times_out(
    distroless_files: TargetFiles, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sha256sum of a FIFO nobody writes blocks forever: the browser must say so, not wait."""
    from kdebug_tui.kube import files as files_module

    os.mkfifo(tree / "pipe")
    monkeypatch.setattr(files_module, "IDLE_SECONDS", 0.5)
    with pytest.raises(KubeError, match="sent nothing for") as info:
        await asyncio.wait_for(distroless_files.sha256(f"{tree}/pipe"), 20)
    assert info.value.reason == "Timeout"
