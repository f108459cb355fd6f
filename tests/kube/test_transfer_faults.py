"""Uploads and downloads against the CRI exec faults seen on real clusters, on the sandbox.

The sandbox cuts an exec's stdin the way containerd did (`Faults.cut_exec_stdin`): the
uploader's shape (`head -c SIZE`, alive 0.2 s, half-close only if it has not ended) keeps
every byte, while the plain `cat > f` + half-close loses the tail, so the fault is real.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from kdebug_tui.kube.attach import ExecSession
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.files import TargetFiles
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.sandbox.stdin_cut import BLOCK
from tests.kube.e2e import shared_sandbox_fixtures
from tests.kube.triage_helpers import get_pod, start_debugger

pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_sandbox, shared_kube = shared_sandbox_fixtures()
SIZE = 3 * BLOCK + 12_345  # not a multiple of 32 KiB: a cut shows


@pytest.fixture
def tree() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="kdebug-cut-", dir="/tmp"))
    root.chmod(0o777)
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def files(shared_kube: KubeSession) -> tuple[TargetFiles, str]:
    pod = await get_pod(shared_kube, "default", "web-distroless")
    built, _ = await start_debugger(shared_kube, pod)
    opened = await TargetFiles.open(shared_kube, "default", "web-distroless", built.container_name)
    return opened, built.container_name


async def test_the_fault_cuts_a_plain_cat_at_a_multiple_of_32k(
    shared_kube: KubeSession, shared_sandbox: Any, files: tuple[TargetFiles, str], tree: Path
) -> None:
    _files, debugger = files
    payload = os.urandom(SIZE)
    shared_sandbox.faults.cut_exec_stdin()
    try:
        exec_ = ExecSession(
            shared_kube, "default", "web-distroless", debugger,
            ["sh", "-c", 'cat > "$1"', "old-upload", str(tree / "cat.bin")],
            stdin=True, tty=False, crlf=False,
        )  # fmt: skip
        await exec_.start(80, 24)
        await exec_.write(payload)
        assert await exec_.close_stdin()
        while await exec_.read_channel() is not None:
            pass
        await exec_.close()
    finally:
        shared_sandbox.faults.clear()
    assert exec_.exit is not None and exec_.exit.code == 0  # no error: only the data is short
    written = (tree / "cat.bin").read_bytes()
    assert len(written) == 3 * BLOCK and written == payload[: 3 * BLOCK]


async def test_upload_keeps_every_byte_under_the_fault(
    shared_sandbox: Any, files: tuple[TargetFiles, str], tree: Path, tmp_path: Path
) -> None:
    target, _debugger = files
    local = tmp_path / "payload.bin"
    local.write_bytes(os.urandom(SIZE))
    shared_sandbox.faults.cut_exec_stdin(times=5)  # every exec of this upload
    try:
        digest = await target.upload(local, f"{tree}/up.bin")
    finally:
        shared_sandbox.faults.clear()
    assert (tree / "up.bin").read_bytes() == local.read_bytes()
    assert digest == hashlib.sha256(local.read_bytes()).hexdigest()


async def test_a_cut_upload_is_retried_once_then_reported(
    shared_sandbox: Any,
    files: tuple[TargetFiles, str],
    tree: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With no time to end by itself, stdin is half-closed at once and the fault bites:
    the checksum catches it, one retry succeeds; a second cut is reported, not hidden."""
    from kdebug_tui.kube import files as files_module

    monkeypatch.setattr(files_module, "UPLOAD_SETTLE_SECONDS", 0.0)
    target, _debugger = files
    local = tmp_path / "payload.bin"
    local.write_bytes(os.urandom(SIZE))
    shared_sandbox.faults.cut_exec_stdin(times=1)
    try:
        await target.upload(local, f"{tree}/retried.bin")
    finally:
        shared_sandbox.faults.clear()
    assert (tree / "retried.bin").read_bytes() == local.read_bytes()

    # resolve, upload, checksum: the cut takes the execs with stdin only (the uploads)
    shared_sandbox.faults.cut_exec_stdin(times=2)
    try:
        with pytest.raises(KubeError) as info:
            await target.upload(local, f"{tree}/cut.bin")
    finally:
        shared_sandbox.faults.clear()
    assert info.value.reason == "ChecksumMismatch"
    assert "after one retry" in info.value.message
    assert len((tree / "cut.bin").read_bytes()) == 3 * BLOCK


async def test_a_silently_truncated_download_is_retried_once_then_reported(
    shared_sandbox: Any, files: tuple[TargetFiles, str], tree: Path, tmp_path: Path
) -> None:
    """kubectl exec can lose the end of stdout with a Success status (kubernetes issue
    124571): only the sha256 comparison notices; one retry, then a clear report."""
    target, _debugger = files
    data = os.urandom(SIZE)
    (tree / "down.bin").write_bytes(data)
    (tree / "down.bin").chmod(0o644)
    # each exec takes one: resolve and stat print little (unaffected), then cat is cut
    shared_sandbox.faults.truncate_exec_stdout(100_000, times=3)
    try:
        digest = await target.download(f"{tree}/down.bin", tmp_path / "down.bin")
        assert shared_sandbox.faults.take_stdout_cut() is None  # the cat was cut: retried
    finally:
        shared_sandbox.faults.clear()
    assert (tmp_path / "down.bin").read_bytes() == data
    assert digest == hashlib.sha256(data).hexdigest()

    shared_sandbox.faults.truncate_exec_stdout(100_000, times=7)  # both attempts' cats
    try:
        with pytest.raises(KubeError) as info:
            await target.download(f"{tree}/down.bin", tmp_path / "cut.bin")
    finally:
        shared_sandbox.faults.clear()
    assert info.value.reason == "ChecksumMismatch"
    assert f"100000 of {SIZE} bytes received" in info.value.message
    assert "after one retry" in info.value.message
    assert not (tmp_path / "cut.bin").exists() and not (tmp_path / "cut.bin.part").exists()
