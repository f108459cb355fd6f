"""The bearer token never leaves the credential path.

A whole session on the sandbox whose admin token is a random canary, with every logger at
DEBUG into a file: pods listed, a 403, a 422, a dropped attach, a failing worker, a debug
shell recorded to a .cast, an incident bundle, a screenshot, notifications, and finally an
exception in a key handler (Textual's crash report renders locals). The canary must appear in
none of them.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from kdebug_tui.kube.debug import DebugRequest
from kdebug_tui.sandbox import Sandbox
from kdebug_tui.sandbox.auth import Authenticator
from kdebug_tui.ui.app import KdebugApp
from kdebug_tui.ui.launch.options import LaunchOptions
from kdebug_tui.ui.sessions.actions import start_debug
from tests.ui.flow_helpers import open_form, settle, submitted_pane, wait_for_shell, wait_until

pytestmark = pytest.mark.timeout(120)

LOGGERS = ("", "kdebug_tui", "aiohttp", "kubernetes_asyncio", "asyncio", "textual")


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """Every logger at DEBUG, written to a file (what a user's debug log would hold)."""
    path = tmp_path / "debug.log"
    handler = logging.FileHandler(path)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    saved = {name: logging.getLogger(name).level for name in LOGGERS}
    root = logging.getLogger()
    root.addHandler(handler)
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        handler.close()
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def render(renderables: list[Any]) -> str:
    console = Console(record=True, width=200, file=open("/dev/null", "w"))  # noqa: SIM115
    for item in renderables:
        console.print(item)
    text = console.export_text()
    console.file.close()
    return text


def files_under(root: Path) -> dict[Path, bytes]:
    """Every file's bytes; a .tar.gz also gives each member's (compressed bytes hide text)."""
    found: dict[Path, bytes] = {}
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        found[path] = path.read_bytes()
        if path.name.endswith(".tar.gz"):
            with tarfile.open(path) as tar:
                for member in tar.getmembers():
                    data = tar.extractfile(member) if member.isfile() else None
                    if data is not None:
                        found[path / member.name] = data.read()
    return found


async def test_the_token_appears_in_no_log_recording_screenshot_or_message(
    tmp_path: Path, debug_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = f"CANARY-{secrets.token_hex(12)}"
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    sb = Sandbox(port=0, workdir=tmp_path / "sb", demo=True)
    sb.auth = Authenticator(admin_token=canary)
    texts: list[str] = []  # every user-facing or exception text seen during the session
    async with sb:
        kubeconfig = sb.write_kubeconfig(tmp_path / "kubeconfig")
        assert canary in kubeconfig.read_text(), "the session really uses the canary"
        app = KdebugApp(LaunchOptions(kubeconfig=str(kubeconfig), namespace="default"))
        notes: list[str] = []
        shots = tmp_path / "shots"
        crashed: BaseException | None = None
        try:
            async with app.run_test(size=(160, 48), message_hook=lambda m: None) as pilot:
                await asyncio.wait_for(app.services.connected.wait(), 30)

                # A 403 and a slow-path error through the services (as a screen would).
                sb.faults.fail("get", "pods", status=403, name="multi")
                try:
                    await app.services.get_pod("default", "multi")
                except Exception as exc:  # the KubeError a screen would notify
                    texts.append(repr(exc) + str(exc))
                    app.notify_error(exc)

                # A 422 from the form (the name of a regular container is taken).
                pod = await app.services.get_pod("default", "web-distroless")
                form = await open_form(app, pilot, pod=pod, container="app")
                from textual.widgets import Input, Static

                form.query_one("#name", Input).value = "app"
                await settle(pilot, form)
                assert form.built is not None and form.request is not None
                form._submit(form.request, form.built)
                await wait_until(
                    pilot,
                    lambda: "Duplicate" in str(form.query_one("#submit-error", Static).render()),
                    "the 422",
                )
                texts.append(str(form.query_one("#submit-error", Static).render()))
                form.action_cancel()
                await pilot.pause()

                # A debug shell, recorded; its attach dropped after some output.
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
                assert pane.terminal is not None
                pane.terminal.send_text("env | grep -c KUBERNETES; echo done-$((6*7))\r")
                await wait_until(pilot, lambda: "done-42" in pane.screen_text(), "output")
                # An incident record of that session (redacted bundle next to the .cast).
                from kdebug_tui.ui.sessions.incident import export_pane

                bundle = await export_pane(app, pane)
                assert bundle.exists()
                # A second debugger whose attach is dropped at once.
                sb.faults.drop_attach_after(2)
                start_debug(app, request)
                pane2 = await submitted_pane(app, pilot, before=1)
                await wait_until(
                    pilot,
                    lambda: pane2.state in ("ended", "failed", "dropped"),
                    lambda: f"the dropped attach: {pane2.state} {pane2.screen_text()}",
                    limit=15,
                )
                texts.append(pane2.screen_text())

                # A failing worker: its error becomes a notification.
                async def boom() -> None:
                    await app.services.session.request_json("GET", "/api/v1/nope/x")

                app.run_worker(boom(), exit_on_error=False)
                await pilot.pause(0.3)

                shots.mkdir()
                app.save_screenshot(filename="canary.svg", path=str(shots))
                notes.extend(f"{n.title}\n{n.message}" for n in app._notifications)
                assert notes, "errors were notified"

                # An exception in a handler: Textual ends the app with a crash report.
                def broken() -> None:
                    session = app.services.session  # a local holding the credentials
                    raise RuntimeError(f"handler failed for {session.server}")

                app.action_last_error = broken  # type: ignore[method-assign]
                # The shell has the keyboard: the prefix hands the next key to the app.
                await pilot.press("ctrl+backslash", "ctrl+e")
                await pilot.pause()
        except RuntimeError as exc:
            crashed = exc
        assert crashed is not None, "the handler's exception ended the app"
        texts.append(render(app._exit_renderables))
        texts.append(repr(crashed))
        for worker in app.workers:
            if worker.error is not None:
                texts.append(repr(worker.error) + str(worker.error))

    outputs: dict[str, bytes] = {"debug log": files_under(debug_log.parent)[debug_log]}
    outputs.update({str(p): data for p, data in files_under(state).items()})
    outputs.update({str(p): data for p, data in files_under(shots).items()})
    outputs.update({f"text {i}": t.encode() for i, t in enumerate(texts + notes)})
    casts = [p for p in outputs if p.endswith(".cast")]
    assert any(".tar.gz/" in p and p.endswith("pod-after.yaml") for p in outputs), "a bundle"
    assert casts, f"a session recording was made: {sorted(outputs)}"
    assert any(b"done-42" in outputs[p] for p in casts), "the recording holds the session"
    assert any(p.endswith(".svg") for p in outputs), "a screenshot was saved"
    assert b"Forbidden" in b"".join(outputs.values()), "the 403 was shown"
    assert b"using context" in outputs["debug log"], "logging reached the file"
    leaks = [where for where, data in outputs.items() if canary.encode() in data]
    assert not leaks, f"the token leaked into: {leaks}"
