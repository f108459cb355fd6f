"""The file browser on the real app against the sandbox: a busybox debugger with
--target=app in the distroless `web-distroless` reads the target's filesystem.

The sandbox's target sees this machine's `/` (no chroot), so the listing of `/` and every
transferred file are checked against the local filesystem, an independent path.
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
from textual.widgets import Input, Static

from kdebug_tui.kube.identity import TargetIdentity
from kdebug_tui.ui.files.file_list import FileList
from kdebug_tui.ui.files.screen import FilesScreen, open_files
from kdebug_tui.ui.files.transfer import TransferBar
from tests.kube.triage_helpers import get_pod, make_pod, start_debugger
from tests.ui.flow_helpers import running_app, wait_until

pytestmark = pytest.mark.timeout(90)
# the machine's setpriv (busybox's has no --reuid): the uid is in no spec, only in /proc
SETPRIV = "/usr/bin/setpriv"
AS_1234 = [SETPRIV, "--reuid", "1234", "--regid", "1234", "--clear-groups", "sleep", "100000"]


@pytest.fixture
def tree() -> Iterator[Path]:
    """A world-traversable directory (uid 1234 must be able to enter it)."""
    root = Path(tempfile.mkdtemp(prefix="kdebug-ui-files-", dir="/tmp"))
    root.chmod(0o755)
    (root / "sub").mkdir()
    (root / "sub" / "inner.txt").write_text("inner\n")
    (root / "data.bin").write_bytes(os.urandom(400_000) + b"\r\n\0end")
    secret = root / "root-only"
    secret.write_text("no")
    secret.chmod(0o600)
    (root / "to-data").symlink_to("data.bin")
    (root / "to-sub").symlink_to(root / "sub")  # absolute: resolved inside the target
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def names(screen: FilesScreen) -> set[str]:
    return {e.name for e in screen.query_one("#files-list", FileList).entries}


def error_text(screen: FilesScreen) -> str:
    """What the inline error line shows ("" before the screen is composed)."""
    found = screen.query("#files-error")
    return str(found.first(Static).render()) if found else ""


async def opened(app: Any, pilot: Any) -> FilesScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen), "the file browser")
    screen = app.screen
    assert isinstance(screen, FilesScreen)
    await wait_until(
        pilot,
        lambda: (screen.files is not None and screen.listing.entries) or screen.error,
        "the first listing",
    )
    assert not screen.error, screen.error
    return screen


async def go_to(pilot: Any, screen: FilesScreen, path: str) -> None:
    await pilot.press("slash")
    box = screen.query_one("#files-path", Input)
    box.value = path
    await pilot.press("enter")
    await wait_until(pilot, lambda: screen.cwd == path or screen.error, f"listing {path}")


async def test_browse_download_upload_in_a_distroless_target(
    sandbox: Any, kubeconfig: Path, tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/Downloads: `g` proposes ~/<name>
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    async with running_app(kubeconfig) as (app, pilot):
        kube = app.services.session
        built, _ = await start_debugger(kube, await get_pod(kube, "default", "web-distroless"))
        open_files(app, "default", "web-distroless", built.container_name)
        screen = await opened(app, pilot)
        # `/` of the target is this machine's `/` on the sandbox
        assert screen.cwd == "/" and names(screen) == set(os.listdir("/"))
        assert screen.files.pid == 1

        await go_to(pilot, screen, str(tree))
        assert names(screen) == {"sub", "data.bin", "root-only", "to-data", "to-sub"}
        rows = {e.name: e for e in screen.listing.entries}
        assert rows["data.bin"].size == (tree / "data.bin").stat().st_size
        assert rows["root-only"].mode == 0o600
        assert screen.listing.entries[0].name == "sub"  # directories first
        # enter descends, backspace goes up with the cursor on where we were
        screen.listing.move_cursor(row=0)
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.cwd == f"{tree}/sub", "descending into sub")
        assert names(screen) == {"inner.txt"}
        await pilot.press("backspace")
        await wait_until(pilot, lambda: screen.cwd == str(tree), "going up")
        assert screen.listing.selected.name == "sub"
        # links: to a directory it opens, to a file it offers the download
        screen.listing.select_name("to-sub")
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.cwd == f"{tree}/to-sub", "following to-sub")
        assert names(screen) == {"inner.txt"}
        await pilot.press("backspace")
        await wait_until(pilot, lambda: screen.cwd == str(tree), "going up")
        screen.listing.select_name("to-data")
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.prompt == "download", "download of a link")
        assert screen.query_one("#files-prompt", Input).value == str(tmp_path / "to-data")
        await pilot.press("escape")
        assert screen.prompt is None and not screen.error

        # End/G: the last entry, Home: the first; j/k move
        await pilot.press("end")
        assert screen.listing.cursor_row == len(screen.listing.entries) - 1
        await pilot.press("home")
        assert screen.listing.cursor_row == 0
        await pilot.press("G")
        assert screen.listing.cursor_row == len(screen.listing.entries) - 1
        await pilot.press("k")
        assert screen.listing.cursor_row == len(screen.listing.entries) - 2
        await pilot.press("j")
        assert screen.listing.cursor_row == len(screen.listing.entries) - 1

        # "Go to path" with a file: its directory, the file selected
        await pilot.press("slash")
        screen.query_one("#files-path", Input).value = f"{tree}/sub/inner.txt"
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.cwd == f"{tree}/sub", "the file's directory")
        assert screen.listing.selected.name == "inner.txt" and not screen.error
        await go_to(pilot, screen, str(tree))

        # g: download, with the local path prefilled as <downloads>/<name>
        screen.listing.select_name("data.bin")
        await pilot.press("g")
        prompt = screen.query_one("#files-prompt", Input)
        await wait_until(pilot, lambda: screen.prompt == "download", "the download prompt")
        assert prompt.value == str(tmp_path / "data.bin")
        await pilot.press("enter")
        bar = screen.query_one("#files-transfer", TransferBar)
        await wait_until(
            pilot, lambda: "verified" in str(bar.query_one("#transfer-result").render()), "sha256"
        )
        local = tmp_path / "data.bin"
        original = (tree / "data.bin").read_bytes()
        assert local.read_bytes() == original
        digest = hashlib.sha256(original).hexdigest()
        assert digest in str(bar.query_one("#transfer-result").render())
        assert bar.done == len(original)

        # u: upload a local file into the directory shown, then it is listed
        payload = tmp_path / "upload.bin"
        payload.write_bytes(os.urandom(150_000) + b"\n\0")
        await pilot.press("u")
        await wait_until(pilot, lambda: screen.prompt == "upload", "the upload prompt")
        prompt.value = str(payload)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "upload.bin" in names(screen), "the uploaded file listed")
        assert (tree / "upload.bin").read_bytes() == payload.read_bytes()
        result = str(bar.query_one("#transfer-result").render())
        assert hashlib.sha256(payload.read_bytes()).hexdigest() in result

        # a missing path: said inline, the listing stays where it was
        await go_to(pilot, screen, f"{tree}/nope")
        await wait_until(pilot, lambda: "does not exist" in error_text(screen), "404 inline")
        assert screen.cwd == str(tree) and "upload.bin" in names(screen)
        # downloading to a local directory that does not exist
        screen.listing.select_name("data.bin")
        await pilot.press("g")
        await wait_until(pilot, lambda: screen.prompt == "download", "the download prompt")
        prompt.value = str(tmp_path / "no-dir" / "x")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Local file error" in error_text(screen), "local error")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, FilesScreen), "back")


async def test_permission_and_namespace_problems_are_inline(
    sandbox: Any, kubeconfig: Path, tree: Path, tmp_path: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        kube = app.services.session
        # target and debugger as uid 1234: the root is readable, a root-only file is not
        pod = await make_pod(kube, "files-ui-1234", {"command": AS_1234})
        same = TargetIdentity(1234, 1234, "process", "test")
        built, _ = await start_debugger(kube, pod, run_as_target_user=True, target_identity=same)
        open_files(app, "default", "files-ui-1234", built.container_name)
        screen = await opened(app, pilot)
        await go_to(pilot, screen, str(tree))
        screen.listing.select_name("root-only")
        await pilot.press("g")
        await wait_until(pilot, lambda: screen.prompt == "download", "the download prompt")
        screen.query_one("#files-prompt", Input).value = str(tmp_path / "r")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "permission denied" in error_text(screen), "403 inline")
        assert not (tmp_path / "r").exists()
        await pilot.press("escape")

        # a debugger without --target shares no PID namespace: said when opening
        plain = await make_pod(kube, "files-ui-notarget", {})
        built, _ = await start_debugger(kube, plain, target=None)
        open_files(app, "default", "files-ui-notarget", built.container_name)
        await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen), "the browser")
        screen = app.screen  # type: ignore[assignment]
        assert isinstance(screen, FilesScreen)
        await wait_until(pilot, lambda: "without a target container" in error_text(screen), "why")
        await pilot.press("escape")

        # a debugger as another user cannot enter a root target's filesystem
        root_pod = await make_pod(kube, "files-ui-root", {})
        other = TargetIdentity(4321, 4321, "process", "test")
        built, _ = await start_debugger(
            kube, root_pod, run_as_target_user=True, target_identity=other
        )
        open_files(app, "default", "files-ui-root", built.container_name)
        await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen), "the browser")
        screen = app.screen  # type: ignore[assignment]
        assert isinstance(screen, FilesScreen)
        await wait_until(pilot, lambda: "user namespace" in error_text(screen), "userns message")


async def test_f_on_a_session_pane_opens_the_browser(sandbox: Any, kubeconfig: Path) -> None:
    from kdebug_tui.kube.debug import DebugRequest
    from kdebug_tui.ui.sessions.actions import start_debug
    from tests.ui.flow_helpers import sessions, submitted_pane, wait_for_shell

    async with running_app(kubeconfig) as (app, pilot):
        request = DebugRequest(
            mode="ephemeral",
            namespace="default",
            pod_name="web-distroless",
            image="busybox:1.36",
            target="app",
        )
        start_debug(app, request)
        pane = await submitted_pane(app, pilot)
        await wait_for_shell(pilot, pane)
        pane.focus()  # the frame, not the terminal (which would take the key)
        await pilot.pause()
        screen = sessions(app)
        palette = [c.title for c in app.get_system_commands(screen)]
        assert "Browse the debug target's files" in palette
        await pilot.press("f")
        files = await opened(app, pilot)
        assert files.debugger == pane.target.container and files.files.pid == 1
        assert files.target == "app"  # read from the pod (the title says it)
        assert names(files) == set(os.listdir("/"))


async def test_f_on_a_running_debugger_in_the_triage_view(sandbox: Any, kubeconfig: Path) -> None:
    from kdebug_tui.ui.triage.screen import TriageScreen

    async with running_app(kubeconfig) as (app, pilot):
        kube = app.services.session
        built, _ = await start_debugger(kube, await get_pod(kube, "default", "web-distroless"))
        app.services.mark_ours("default", "web-distroless", built.container_name)
        await pilot.press("t")
        triage = app.screen
        assert isinstance(triage, TriageScreen)
        key = f"default/web-distroless/{built.container_name}"
        await wait_until(
            pilot,
            lambda: key in triage.rows and triage.rows[key].state == "Running",
            "our running debugger in the triage view",
        )
        triage.table.move_cursor(row=triage.table.get_row_index(key))
        await pilot.press("f")
        files = await opened(app, pilot)
        assert (files.pod, files.debugger, files.target) == (
            "web-distroless",
            built.container_name,
            "app",
        )
        assert names(files) == set(os.listdir("/"))
        await pilot.press("escape")
        # a finished debugger is refused with a reason, no browser
        key = "default/already-debugged/debugger-old12"
        await wait_until(pilot, lambda: key in triage.rows, "the finished debugger")
        triage.table.move_cursor(row=triage.table.get_row_index(key))
        await pilot.press("f")
        await pilot.pause()
        assert app.screen is triage


async def test_readonly_mode_browses_and_downloads_but_never_uploads(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig, readonly=True) as (app, pilot):
        kube = app.services.session
        built, _ = await start_debugger(kube, await get_pod(kube, "default", "web-distroless"))
        open_files(app, "default", "web-distroless", built.container_name)
        screen = await opened(app, pilot)
        await pilot.press("u")
        await pilot.pause()
        assert screen.prompt is None
        await go_to(pilot, screen, "/etc")
        first_file = next(e for e in screen.listing.entries if e.kind == "file")
        screen.listing.select_name(first_file.name)
        await pilot.press("g")  # reading is fine: the download prompt opens
        await wait_until(pilot, lambda: screen.prompt == "download", "the download prompt")


def test_default_download_folder_is_never_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kdebug_tui.ui.files.paths import download_dir

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert download_dir() == str(home)
    (home / "Downloads").mkdir()
    assert download_dir() == str(home / "Downloads")
    (home / ".config").mkdir()
    (home / "Telechargements").mkdir()
    (home / ".config" / "user-dirs.dirs").write_text(
        '# written by xdg-user-dirs-update\nXDG_DOWNLOAD_DIR="$HOME/Telechargements"\n'
    )
    assert download_dir() == str(home / "Telechargements")
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(tmp_path))
    assert download_dir() == str(tmp_path)
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(tmp_path / "missing"))
    assert download_dir() == str(home / "Telechargements")
