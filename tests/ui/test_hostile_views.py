"""Whoever controls text in a cluster or a container must not control the app (issue 15 item 3).

Every screen and dialog in kdebug_tui.ui is found by walking the package (a new one without
a case here fails `test_every_screen_has_a_hostile_case`) and opened in the real app on the
sandbox with markup in everything the cluster or the container chooses: the kubeconfig's
context name, a pod's annotations, env, events, container states, logs, and file names in
the target (`[@click=app.quit]CLICKME`, `[@click=a.b('x)]y`, a directory `[` holding `x]`,
`[bold red]`, terminal escapes). For each: the app is still running, no MarkupError, the
text is on screen literally, and a guard on Textual's and Rich's markup parsers records any
parse of hostile text that changed it (even one that happened to render harmlessly).
"""

from __future__ import annotations

import copy
import html
import importlib
import inspect
import pkgutil
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.screen import Screen
from textual.widgets import Input, OptionList

import kdebug_tui.ui
from tests.kube.triage_helpers import start_debugger
from tests.ui.flow_helpers import running_app, wait_until

pytestmark = pytest.mark.timeout(150)

CLICK = "[@click=app.quit]CLICKME"
BAD = "[@click=a.b('x)]y"
BOLD = "[bold red]KDXBOLD[/]"
ESCAPES = "\x1b]0;pwned\x07\x1b[31mKDXESC\x1b[0m\x9b2J"
TEXT = f"{CLICK} {BAD} {BOLD} {ESCAPES}"
PAYLOADS = (CLICK, BAD, BOLD)
SENTINELS = ("CLICKME", "a.b('x)", "KDXBOLD", "KDXESC")
FORBIDDEN = ("\x1b", "\x07", "\x9b")
CONTEXT = "[@click=app.quit]CLICKME-admin"  # a kubeconfig context may be named anything
PRINTF = r"printf '\033]0;pwned\007[@click=app.quit]CLICKME [bold red]KDXBOLD[/]\n'"


def screen_classes() -> set[type[Screen[Any]]]:
    """Every Screen subclass defined in kdebug_tui.ui (ModalScreen included)."""
    found: set[type[Screen[Any]]] = set()
    for info in pkgutil.walk_packages(kdebug_tui.ui.__path__, "kdebug_tui.ui."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, Screen)
                and value.__module__ == module.__name__
            ):
                found.add(value)
    return found


# Each screen's case in the flow below (by class name, so the walk above stays the source).
CASES = {
    "PodsScreen": "the hostile pod's row, header with the context name",
    "DescribeScreen": "annotations, env, events, state messages",
    "YamlScreen": "annotations, env, state messages",
    "LogsScreen": "a log line printed by the container",
    "TriageScreen": "an ephemeral container's hostile state",
    "AllContextsTriageScreen": "the context name as a row and in the state line",
    "PickerScreen": "the context picker lists the context name",
    "HelpScreen": "opened over a header with the context name",
    "DebugFormScreen": "an admission denial carrying the text",
    "SessionsScreen": "a pane titled with the context name",
    "FilesScreen": "hostile file names, the download and upload prompts",
    "ConfirmScreen": "quit with a shell open names the pane",
    "ErrorScreen": "ctrl+e shows the last error in full",
    "LogOptionsForm": "over the hostile pod's log",
    "SaveLogForm": "the file name proposed for the hostile pod's log",
    "ResourcePrompt": "a kind typed as markup is said back literally",
    "ResourcesScreen": "the hostile event's message in the cluster-wide events list",
    "DescribeObjectScreen": "the hostile pod described by kube/describe (annotations, env)",
    "NoShellScreen": "s on a container without a shell",
    "PortForwardForm": "port-forward to the hostile pod",
    "ForwardsScreen": "the forward to the hostile pod listed",
}


def test_every_screen_has_a_hostile_case() -> None:
    names = {cls.__name__ for cls in screen_classes()}
    missing = names - set(CASES)
    assert not missing, f"screens with no hostile-text case in this test: {sorted(missing)}"


class MarkupGuard:
    """Wraps the markup parsers; records a parse of hostile text that changed it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import rich.markup
        import textual.markup

        self.hits: list[str] = []
        to_content = textual.markup._to_content
        render = rich.markup.render

        def guarded_content(markup: str, *args: Any, **kwargs: Any) -> Any:
            return self._check(markup, lambda: to_content(markup, *args, **kwargs))

        def guarded_render(markup: str, *args: Any, **kwargs: Any) -> Any:
            return self._check(markup, lambda: render(markup, *args, **kwargs))

        monkeypatch.setattr(textual.markup, "_to_content", guarded_content)
        monkeypatch.setattr(rich.markup, "render", guarded_render)

    def _check(self, markup: str, parse: Any) -> Any:
        if not any(s in markup for s in SENTINELS):
            return parse()
        try:
            result = parse()
        except Exception as exc:
            self.hits.append(f"{type(exc).__name__} parsing {markup!r}")
            raise
        plain = result.plain
        for payload in PAYLOADS:
            if payload in markup and payload not in plain:
                self.hits.append(f"parsed as markup: {markup!r} -> {plain!r}")
        return result


def shown(app: Any) -> str:
    """The screen as the terminal shows it (the text of an SVG export)."""
    svg = app.export_screenshot()
    parts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(parts)).replace("\xa0", " ")


def hostile_kubeconfig(sandbox: Any, path: Path) -> Path:
    sandbox.write_kubeconfig(path)
    data = yaml.safe_load(path.read_text())
    for context in data["contexts"]:
        if context["name"] == "sandbox-admin":
            context["name"] = CONTEXT
    data["current-context"] = CONTEXT
    path.write_text(yaml.safe_dump(data))
    path.chmod(0o600)
    return path


@pytest.fixture
def tree() -> Iterator[Path]:
    """Hostile names in a world-traversable directory (the sandbox target sees this `/`)."""
    root = Path(tempfile.mkdtemp(prefix="kdebug-hostile-", dir="/tmp"))
    root.chmod(0o755)
    for name in (CLICK, BAD, "[bold red]KDXBOLD", "esc\x1b[31mKDXESC"):
        (root / name).write_text("x\n")
    (root / "[").mkdir()
    (root / "[" / "x]").write_text("x\n")
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


async def hostile_pod(sandbox: Any, kube: Any) -> dict[str, Any]:
    """Annotations, env and logs through the API; states and an event as a kubelet says them."""
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "hostile", "namespace": "default", "annotations": {"note": TEXT}},
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "image": "busybox:1.36",
                    "command": ["sh", "-c", PRINTF + "; exec sleep 3600"],
                    "env": [{"name": "HOSTILE", "value": TEXT}],
                }
            ]
        },
    }
    await kube.request_json("POST", "/api/v1/namespaces/default/pods", body=body)
    uid = sandbox.cluster.get_pod("default", "hostile")["metadata"]["uid"]
    await sandbox.runtime.wait_for(uid, "app", lambda s: "running" in s.state, within=20)
    pod = copy.deepcopy(sandbox.cluster.get_pod("default", "hostile"))
    pod["status"]["message"] = TEXT
    status = pod["status"]["containerStatuses"][0]
    status["lastState"] = {"terminated": {"exitCode": 2, "reason": "Error", "message": TEXT}}
    sandbox.cluster.replace("pods", pod)
    sandbox.recorder.pod_event(pod, "Hostile", TEXT, type_="Warning")
    return pod


class Visit:
    """Asserts after each step: running, nothing parsed, text literal, no control chars."""

    def __init__(self, app: Any, pilot: Any, guard: MarkupGuard) -> None:
        self.app, self.pilot, self.guard = app, pilot, guard
        self.seen: set[str] = set()

    async def check(self, where: str, *expected: str) -> None:
        await self.pilot.pause()
        self.seen.add(type(self.app.screen).__name__)
        assert self.app.is_running, f"{where}: the app exited"
        assert not self.guard.hits, f"{where}: {self.guard.hits}"
        if expected:
            await wait_until(
                self.pilot,
                lambda: all(e in shown(self.app) for e in expected),
                lambda: f"{where}: {expected} literally on screen:\n{shown(self.app)[:4000]}",
                limit=15,
            )
        bad = [c for c in FORBIDDEN if c in shown(self.app)]
        assert not bad, f"{where}: control characters on screen: {bad!r}"


async def _prompt(app: Any, pilot: Any, text: str) -> None:
    """`:` then `text` (set, not typed: markup brackets are not key names)."""
    await pilot.press("colon")
    await wait_until(pilot, lambda: type(app.screen).__name__ == "ResourcePrompt", "the prompt")
    app.screen.query_one(Input).value = text
    await pilot.press("enter")


async def visit_resources(app: Any, pilot: Any, visit: Visit) -> None:
    """The resource lists (ui/resources) and their dialogs; ends on the pods screen."""
    from textual.widgets import DataTable

    def select(name: str) -> None:
        screen = app.screen
        screen.query_one(DataTable).move_cursor(row=screen.visible_names().index(name))

    await _prompt(app, pilot, BOLD)
    await visit.check("resource prompt", BOLD)
    await pilot.press("escape")

    await _prompt(app, pilot, "ev po/hostile")
    await wait_until(pilot, lambda: type(app.screen).__name__ == "ResourcesScreen", ":ev")
    events = app.screen
    await wait_until(pilot, lambda: "hostile" in str(events.rows.objects), "the events")
    await visit.check("events list", CLICK)
    app.pop_screen()

    await _prompt(app, pilot, "po")
    await wait_until(pilot, lambda: type(app.screen).__name__ == "ResourcesScreen", ":po")
    pods = app.screen
    await wait_until(
        pilot, lambda: {"hostile", "web-distroless"} <= set(pods.visible_names()), "pods"
    )
    select("hostile")
    await pilot.press("D")
    await wait_until(pilot, lambda: type(app.screen).__name__ == "DescribeObjectScreen", "D")
    await wait_until(pilot, lambda: app.screen.text.startswith("Name:"), "the description")
    await visit.check("describe (kube/describe)", CLICK, BOLD)
    await pilot.press("escape")

    select("web-distroless")
    await pilot.press("s")
    await wait_until(pilot, lambda: type(app.screen).__name__ == "NoShellScreen", "no shell")
    await visit.check("no shell", "has no shell")
    await pilot.press("escape")

    select("hostile")
    await pilot.press("F")
    await wait_until(pilot, lambda: type(app.screen).__name__ == "PortForwardForm", "F")
    await visit.check("port-forward form", "default/hostile")
    app.screen.query_one("#pf-remote", Input).value = "8080"
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.screen is pods, "the forward started")
    await pilot.press("f")
    await wait_until(pilot, lambda: type(app.screen).__name__ == "ForwardsScreen", "f")
    await visit.check("port-forwards", "default/hostile:8080")
    await pilot.press("x")
    await pilot.press("escape")
    app.pop_screen()


async def test_every_screen_shows_hostile_text_literally(
    sandbox: Any, tmp_path: Path, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kdebug_tui.kube.errors import KubeError
    from kdebug_tui.ui.files.screen import FilesScreen, open_files
    from kdebug_tui.ui.views.describe import DescribeScreen
    from kdebug_tui.ui.views.logs import LogsScreen
    from kdebug_tui.ui.views.yaml_view import YamlScreen
    from tests.ui.app_support import pod_names, pods_screen, row_by_name
    from tests.ui.flow_helpers import open_form, settle, submitted_pane

    guard = MarkupGuard(monkeypatch)
    kubeconfig = hostile_kubeconfig(sandbox, tmp_path / "kubeconfig")
    async with running_app(kubeconfig, context=CONTEXT) as (app, pilot):
        visit = Visit(app, pilot, guard)
        kube = app.services.session
        await hostile_pod(sandbox, kube)
        await wait_until(pilot, lambda: "hostile" in pod_names(app), "the hostile pod")
        pods_screen(app).table.select_uid(row_by_name(app, "hostile").uid)
        await visit.check("pods screen and header", CONTEXT)

        await pilot.press("D")
        assert isinstance(app.screen, DescribeScreen)
        describe = app.screen
        await wait_until(pilot, lambda: "Hostile" in describe.text, "the event in describe")
        await visit.check("describe", CLICK, BOLD)
        await pilot.press("escape")

        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, YamlScreen), "YAML")
        await wait_until(pilot, app.screen.ready.is_set, "the YAML text")
        await visit.check("yaml", CLICK, BOLD)
        await pilot.press("escape")

        await pilot.press("l")
        logs = app.screen
        assert isinstance(logs, LogsScreen)
        await wait_until(pilot, lambda: logs.lines, "the log line")
        await visit.check("logs", CLICK, BOLD)
        await pilot.press("o")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "LogOptionsForm", "o")
        await visit.check("log options")
        await pilot.press("escape")
        await pilot.press("S")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "SaveLogForm", "S")
        await visit.check("save the log", "default_hostile_app_")
        await pilot.press("escape")
        await pilot.press("escape")

        await visit_resources(app, pilot, visit)

        await pilot.press("T")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "AllContextsTriageScreen", "T")
        await visit.check("all-contexts triage", CONTEXT)
        await pilot.press("escape")

        await pilot.press("c")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "PickerScreen", "picker")
        await visit.check("context picker", CONTEXT)
        await pilot.press("escape")

        await pilot.press("question_mark")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HelpScreen", "help")
        await visit.check("help")
        await pilot.press("escape")

        # The command palette (Textual's screen): its hits, typed into.
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CommandPalette", "palette")
        await pilot.press("l", "o", "g")
        await wait_until(
            pilot, lambda: app.screen.query_one(OptionList).option_count > 0, "the palette's hits"
        )
        assert app.is_running and not guard.hits, guard.hits
        await pilot.press("escape")
        await wait_until(pilot, lambda: type(app.screen).__name__ != "CommandPalette", "closed")

        # The debug form: an admission webhook's denial with the text, then a real session.
        sandbox.faults.fail(
            "patch",
            "pods/ephemeralcontainers",
            status=400,
            message=f'admission webhook "policy.example.com" denied the request: {TEXT}',
        )
        pod = await app.services.get_pod("default", "hostile")
        form = await open_form(app, pilot, pod=pod, container="app")
        assert form.built is not None and form.request is not None
        form._submit(form.request, form.built)
        await visit.check("debug form error", CLICK, BOLD)
        sandbox.faults.clear()
        await settle(pilot, form)
        form._submit(form.request, form.built)
        pane = await submitted_pane(app, pilot)
        await visit.check("sessions screen", CONTEXT)
        assert pane.target.context == CONTEXT

        # The file browser on a debugger of the hostile pod, in the hostile tree.
        built, _ = await start_debugger(kube, await app.services.get_pod("default", "hostile"))
        open_files(app, "default", "hostile", built.container_name)
        await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen), "files")
        files = app.screen
        assert isinstance(files, FilesScreen)
        await wait_until(
            pilot, lambda: files.files is not None and files.listing.entries, "the first listing"
        )
        files.go(str(tree))
        await wait_until(pilot, lambda: files.cwd == str(tree), "the hostile directory")
        await visit.check("file list", CLICK, BAD, "[bold red]KDXBOLD", "[/")
        for name in (CLICK, BAD):
            files.listing.select_name(name)
            await pilot.press("g")
            await wait_until(pilot, lambda: files.prompt == "download", "the download prompt")
            await visit.check(f"download prompt for {name}", f"{tree}/{name}")
            await pilot.press("escape")
        files.listing.select_name("[")
        await pilot.press("enter")
        await wait_until(pilot, lambda: files.cwd == f"{tree}/[", "the directory [")
        await pilot.press("u")
        await wait_until(pilot, lambda: files.prompt == "upload", "the upload prompt")
        await visit.check("upload prompt into [", f"into {tree}/[:")
        await pilot.press("escape")
        files.listing.select_name("x]")
        await pilot.press("g")
        await wait_until(pilot, lambda: files.prompt == "download", "the download prompt")
        await visit.check("download prompt for [/x]", f"{tree}/[/x]")
        assert files.query_one("#files-prompt", Input).border_title is not None
        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, FilesScreen), "back")

        # Triage: a debugger whose state a kubelet reported with the text.
        from kdebug_tui.ui.triage.screen import TriageScreen

        held = copy.deepcopy(sandbox.cluster.get_pod("default", "hostile"))
        held["spec"]["ephemeralContainers"].append(
            {"name": "dbg-x", "image": "busybox:1.36", "targetContainerName": "app"}
        )
        held["status"].setdefault("ephemeralContainerStatuses", []).append(
            {
                "name": "dbg-x",
                "image": "busybox:1.36",
                "ready": False,
                "restartCount": 0,
                "state": {"terminated": {"exitCode": 1, "reason": BOLD, "message": TEXT}},
            }
        )
        sandbox.cluster.replace("pods", held)
        await app.push_screen(TriageScreen())
        triage = app.screen
        assert isinstance(triage, TriageScreen)
        await wait_until(pilot, lambda: triage.table.row_count > 1, "both debuggers in triage")
        for _ in range(triage.table.row_count):
            if "dbg-x" in shown(app) and "KDXBOLD" in shown(app):
                break
            await pilot.press("down")
        await visit.check("triage", "Terminated ([bold red]KDXBOLD")
        app.pop_screen()

        # Errors: a toast, then ctrl+e shows it in full.
        app.notify_error(KubeError("Denied", TEXT))
        await visit.check("notification", CLICK)
        app.action_last_error()  # ctrl+e (the sessions screen's terminal has the keyboard)
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ErrorScreen", "ctrl+e")
        await visit.check("last error in full", CLICK, BOLD)
        await pilot.press("escape")

        # Quit with a shell open: the dialog names the pane (its title has the context).
        app.action_request_quit()
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen", "quit?")
        await visit.check("quit confirmation")
        await pilot.press("escape")
        await visit.check("after the dialogs")

    missing = set(CASES) - visit.seen
    assert not missing, f"cases that never showed their screen: {sorted(missing)}"
    assert not guard.hits, guard.hits


async def test_clicking_a_hostile_path_in_the_prompt_title_runs_nothing(
    sandbox: Any, tmp_path: Path, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The prompt's border title holds `[@click=app.quit]CLICKME`: clicking it must not quit."""
    from kdebug_tui.ui.files.screen import FilesScreen, open_files

    guard = MarkupGuard(monkeypatch)
    kubeconfig = sandbox.write_kubeconfig(tmp_path / "kubeconfig")
    async with running_app(kubeconfig) as (app, pilot):
        kube = app.services.session
        await hostile_pod(sandbox, kube)
        built, _ = await start_debugger(kube, await app.services.get_pod("default", "hostile"))
        open_files(app, "default", "hostile", built.container_name)
        await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen), "files")
        files = app.screen
        assert isinstance(files, FilesScreen)
        await wait_until(
            pilot, lambda: files.files is not None and files.listing.entries, "the first listing"
        )
        files.go(str(tree))
        await wait_until(pilot, lambda: files.cwd == str(tree), "the hostile directory")
        files.listing.select_name(CLICK)
        await pilot.press("g")
        await wait_until(pilot, lambda: files.prompt == "download", "the download prompt")
        prompt = files.query_one("#files-prompt", Input)
        await wait_until(pilot, lambda: prompt.region.width > 0, "the prompt laid out")
        title = f"download {tree}/{CLICK} to local path:"
        start = title.index("CLICKME")
        for x in range(start - 2, start + len("CLICKME") + 3):  # the title starts at column 1-2
            await pilot.click(prompt, offset=(x, 0))
            assert app.is_running, f"a click at column {x} of the title quit the app"
        assert files.prompt == "download" and app.screen is files
        assert f"{tree}/{CLICK}" in shown(app), "the title is shown literally"
        assert not guard.hits, guard.hits
