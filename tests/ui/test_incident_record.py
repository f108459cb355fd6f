"""The incident record holds everything done to a debugger (issue 12 item 8).

Through the real app on the sandbox: a debugger, a second shell beside it, broadcast on
and off, a reattach, a download and an upload through the file browser, a stop; then the
export. The bundle must hold both panes' recordings and every action in its timeline; the
folders are 0700 and the file 0600; the path is shown in a dialog with a copy button and
again by ctrl+e.
"""

from __future__ import annotations

import os
import stat
import tarfile
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Input

from kdebug_tui.ui.common.error_screen import ErrorScreen
from kdebug_tui.ui.files.screen import FilesScreen, open_files
from kdebug_tui.ui.sessions.incident import request_export
from kdebug_tui.ui.sessions.pane_actions import open_shell_beside, reattach
from kdebug_tui.ui.sessions.recording import run_dir
from kdebug_tui.ui.sessions.stop import _stop
from tests.ui.flow_helpers import (
    open_form,
    run_in_pane,
    running_app,
    sessions,
    submitted_pane,
    wait_for_shell,
    wait_until,
)

pytestmark = pytest.mark.timeout(150)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def test_the_record_has_every_pane_and_every_action(
    sandbox: Any, kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    remote_dir = Path("/tmp") / f"kdebug-incident-{os.getpid()}"
    remote_dir.mkdir(mode=0o755, exist_ok=True)
    (remote_dir / "evidence.txt").write_text("evidence\n")
    upload = tmp_path / "fix.sh"
    upload.write_text("echo fixed\n")
    copies: list[str] = []
    try:
        async with running_app(kubeconfig) as (app, pilot):
            monkeypatch.setattr(app, "copy_to_clipboard", copies.append)
            pod = await app.services.get_pod("default", "web-distroless")
            form = await open_form(app, pilot, pod=pod, container="app")
            form.query_one("#image", Input).value = "busybox:1.36"
            await pilot.pause()
            await wait_until(pilot, lambda: form.built is not None, "the built request")
            form.action_submit()
            debugger = await submitted_pane(app, pilot)
            await wait_for_shell(pilot, debugger)
            await run_in_pane(pilot, debugger, "echo FIRST''PANE", "FIRSTPANE")
            open_shell_beside(app, debugger, beside=True)
            await wait_until(pilot, lambda: len(sessions(app).panes) == 2, "the second shell")
            shell = sessions(app).panes[-1]
            await wait_for_shell(pilot, shell)
            await run_in_pane(pilot, shell, "echo SECOND''PANE", "SECONDPANE")

            screen = sessions(app)
            screen.broadcast.toggle(shell)  # on, then off
            screen.broadcast.toggle(shell)
            reattach(app, shell)
            await wait_for_shell(pilot, shell)

            # A download and an upload through the file browser.
            target = debugger.target
            open_files(app, target.namespace, target.pod, target.container)
            await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen), "files")
            files = app.screen
            assert isinstance(files, FilesScreen)
            await wait_until(
                pilot, lambda: files.files is not None and files.listing.entries, "listing"
            )
            files.go(str(remote_dir))
            await wait_until(pilot, lambda: files.cwd == str(remote_dir), "the remote folder")
            files.download(str(remote_dir / "evidence.txt"), str(tmp_path / "evidence.txt"))
            await wait_until(pilot, lambda: (tmp_path / "evidence.txt").exists(), "download")
            await wait_until(pilot, lambda: not files.transfer.running, "download done")
            files.upload(str(upload), str(remote_dir / "fix.sh"))
            await wait_until(pilot, lambda: (remote_dir / "fix.sh").exists(), "upload")
            await wait_until(pilot, lambda: not files.transfer.running, "upload done")
            app.pop_screen()

            await _stop(app, target.namespace, target.pod, target.container)

            request_export(app, debugger)
            await wait_until(pilot, lambda: isinstance(app.screen, ErrorScreen), "the dialog")
            dialog = app.screen
            assert isinstance(dialog, ErrorScreen)
            path = Path(app.last_incident_path)  # type: ignore[attr-defined]
            assert dialog.error_message == str(path) and dialog.has_class("-info")
            # The screen is current before its children are mounted: wait for the button.
            await wait_until(pilot, lambda: dialog.query("#error-copy"), "the copy button")
            dialog.query_one("#error-copy", Button).press()
            await wait_until(pilot, lambda: copies, "the copy")
            assert copies == [str(path)]
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, ErrorScreen), "closed")
            app.action_last_error()  # ctrl+e
            await wait_until(pilot, lambda: isinstance(app.screen, ErrorScreen), "ctrl+e")
            assert app.screen.error_message == str(path)  # type: ignore[attr-defined]

            folder = run_dir(app)
            assert path.parent == folder
            assert mode(folder) == 0o700 and mode(folder.parent) == 0o700
            assert mode(folder.parent.parent) == 0o700  # .../kdebug-tui
            assert mode(path) == 0o600

        with tarfile.open(path) as tar:
            files_in = {Path(m.name).name: m for m in tar.getmembers() if m.isfile()}

            def read(name: str) -> str:
                member = tar.extractfile(files_in[name])
                assert member is not None
                return member.read().decode()

            assert {"session.cast", "session-2.cast"} <= set(files_in), set(files_in)
            casts = read("session.cast") + read("session-2.cast")
            assert "FIRSTPANE" in casts and "SECONDPANE" in casts
            summary = read("summary.txt")
            timestamps = read("timestamps.yaml")
        for action in (
            "broadcast on",
            "broadcast off",
            "reattach",
            f"downloaded {remote_dir}/evidence.txt",
            f"uploaded {upload}",
            "stop requested",
        ):
            assert action in summary, f"{action!r} not in the timeline:\n{summary}"
            assert action in timestamps
        assert "stopped" in summary or "stop failed" in summary
    finally:
        for name in ("evidence.txt", "fix.sh"):
            (remote_dir / name).unlink(missing_ok=True)
        remote_dir.rmdir()
