"""Files of a (distroless) target, through a debugger that shares its PID namespace.

Opened with `f` on a session pane or on a running debugger in the triage view. The target's
filesystem is read at /proc/<pid>/root from inside the debugger (kube/files.py does every
exec, with argv lists): a path bar, the listing (kind, size, mode, mtime, owner), `enter`
descends, `backspace` goes up, `/` goes to a typed path (a file: its directory, the file
selected), `g` downloads the selected file (an input prefilled with <downloads>/<name>,
files/paths.py: never the current directory, which may be a checkout), `u` uploads a
local file into the directory shown.
Transfers show progress and end with the sha256 both sides agreed on. Every cluster call
runs in a worker; problems (permission denied, missing path, user namespaces, no shared
PID namespace) are said inline above the listing, and the screen stays usable.

Paths and names are the target's: whoever controls the container chooses them. They
reach the screen only as `Text` (a border title given a `str` is parsed as markup, and
`[@click=app.quit]` in a file name would run an action).
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Any, Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from kdebug_tui.ui.common.base import ForwardWorkerErrors
from kdebug_tui.ui.common.home_paths import home_short
from kdebug_tui.ui.common.safe_text import clean
from kdebug_tui.ui.files.file_list import FileList
from kdebug_tui.ui.files.paths import download_dir
from kdebug_tui.ui.files.transfer import TransferBar

Prompt = Literal["download", "upload"]


def describe_problem(error: BaseException) -> str:
    """A KubeError's title, message and hint on one or two lines; anything else plainly."""
    title = getattr(error, "title", "") or type(error).__name__
    message = getattr(error, "message", None) or str(error)
    hint = getattr(error, "hint", None)
    return f"{title}: {message}" + (f"\nHint: {hint}" if hint else "")


class FilesScreen(ForwardWorkerErrors, Screen[None]):
    """The target's filesystem as seen from `debugger` in `namespace/pod`."""

    app: Any  # KdebugApp: services

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("backspace", "up", "Up", tooltip="Go to the parent directory"),
        Binding("g", "download", "Download", tooltip="Download the selected file"),
        Binding("u", "upload", "Upload", tooltip="Upload a local file into this directory"),
        Binding("r", "refresh", "Refresh"),
        Binding("slash", "edit_path", "Go to path", tooltip="Type a path to go to"),
    ]

    DEFAULT_CSS = """
    FilesScreen #files-title { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    FilesScreen #files-path { margin: 0 1; }
    FilesScreen #files-error { height: auto; max-height: 6; padding: 0 1; color: $error; }
    FilesScreen #files-status { height: 1; padding: 0 1; color: $text-muted; }
    FilesScreen #files-prompt { margin: 0 1; display: none; }
    FilesScreen.-prompting #files-prompt { display: block; }
    """

    def __init__(
        self, namespace: str, pod: str, debugger: str, *, target: str | None = None
    ) -> None:
        super().__init__()
        self.namespace = namespace
        self.pod = pod
        self.debugger = debugger
        self.target = target or self._target_from_store()
        self.files: Any = None  # TargetFiles once opened
        self.cwd = "/"
        self.error = ""
        self.prompt: Prompt | None = None
        self.loading = False

    def _target_from_store(self) -> str | None:
        """The debugger's --target as the pod watch last saw it (for the title only)."""
        try:
            pod = self.app.services.store.by_name(self.namespace, self.pod) or {}
        except Exception:
            return None
        for spec in (pod.get("spec") or {}).get("ephemeralContainers") or []:
            if spec.get("name") == self.debugger:
                return spec.get("targetContainerName") or None
        return None

    def compose(self) -> ComposeResult:
        title = f"Files of {self.namespace}/{self.pod} via debugger {self.debugger}"
        if self.target:
            title += f" (target {self.target})"
        yield Static(clean(title, 200), id="files-title", markup=False)
        yield Input("/", id="files-path", placeholder="path inside the target")
        yield Static("", id="files-error")
        yield Static("opening the target's filesystem…", id="files-status", markup=False)
        yield FileList(id="files-list")
        yield Input("", id="files-prompt")
        yield TransferBar(id="files-transfer")
        yield Footer()

    @property
    def listing(self) -> FileList:
        return self.query_one("#files-list", FileList)

    @property
    def transfer(self) -> TransferBar:
        return self.query_one("#files-transfer", TransferBar)

    def on_mount(self) -> None:
        self.listing.focus()
        self._open()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Read-only mode: no upload (it changes the target's filesystem)."""
        readonly = bool(getattr(getattr(self.app, "services", None), "readonly", False))
        return not (readonly and action == "upload")

    # --- inline messages -----------------------------------------------------------------

    def show_error(self, text: str) -> None:
        self.error = text
        box = self.query_one("#files-error", Static)
        box.update(Text("✖ " + clean(text, 800, multiline=True)) if text else "")

    def set_status(self, text: str) -> None:
        self.query_one("#files-status", Static).update(clean(text, 300))

    # --- cluster work (workers) ----------------------------------------------------------

    @work(group="files-open", exclusive=True, exit_on_error=False)
    async def _open(self) -> None:
        from kdebug_tui.kube.files import TargetFiles

        try:
            self.files = await TargetFiles.open(
                self.app.services.session,
                self.namespace,
                self.pod,
                self.debugger,
                target=self.target,
            )
        except Exception as exc:
            self.set_status("the target's filesystem could not be opened")
            self.show_error(describe_problem(exc))
            return
        self.set_status(f"target process pid {self.files.pid}, its root {self.files.root}")
        await self._load("/")

    async def _load(
        self,
        path: str,
        *,
        select: str | None = None,
        link: str | None = None,
        typed: bool = False,
    ) -> bool:
        """List `path`; on failure keep the current listing and say why inline.

        `link`: the entry's name when `path` is a symbolic link; a link to a file then
        offers the download instead of an error. `typed`: a path the user typed; a file
        opens its directory with the file selected."""
        from kdebug_tui.kube.file_entries import clean_path

        if self.files is None:
            return False
        self.loading = True
        try:
            target = clean_path(path)
            entries = await self.files.list_dir(target)
        except Exception as exc:
            if link is not None and getattr(exc, "reason", "") == "NotADirectory":
                self.listing.select_name(link)
                self.action_download()
                return False
            if typed and getattr(exc, "reason", "") == "NotADirectory" and target != "/":
                parent, name = posixpath.split(target)
                return await self._load(parent or "/", select=name)
            self.show_error(describe_problem(exc))
            self.query_one("#files-path", Input).value = self.cwd
            return False
        finally:
            self.loading = False
        self.cwd = target
        self.show_error("")
        self.query_one("#files-path", Input).value = target
        self.listing.show(entries)
        if select:
            self.listing.select_name(select)
        count = len(entries)
        self.set_status(f"{target}: {count} entr{'y' if count == 1 else 'ies'}")
        return True

    @work(group="files-list", exclusive=True, exit_on_error=False)
    async def go(
        self, path: str, select: str | None = None, link: str | None = None, typed: bool = False
    ) -> None:
        await self._load(path, select=select, link=link, typed=typed)

    @work(group="files-transfer", exclusive=True, exit_on_error=False)
    async def download(self, remote: str, local: str) -> None:
        if self.files is None:
            return
        size = next((e.size for e in self.listing.entries if self._path(e.name) == remote), None)
        self.transfer.start(f"downloading {remote} -> {home_short(local)}", size)
        try:
            digest = await self.files.download(remote, local, self.transfer.advance)
        except Exception as exc:
            self.transfer.fail(describe_problem(exc))
            self.show_error(describe_problem(exc))
            self._note(f"download of {remote} to {local} failed: {describe_problem(exc)}")
            return
        self.transfer.finish(f"downloaded {remote} to {home_short(local)}", digest)
        self._note(f"downloaded {remote} to {local} (sha256 {digest})")

    @work(group="files-transfer", exclusive=True, exit_on_error=False)
    async def upload(self, local: str, remote: str) -> None:
        if self.files is None:
            return
        try:
            size: int | None = os.stat(local).st_size
        except OSError:
            size = None  # upload() says what is wrong with the local file
        self.transfer.start(f"uploading {local} -> {remote}", size)
        try:
            digest = await self.files.upload(local, remote, self.transfer.advance)
        except Exception as exc:
            self.transfer.fail(describe_problem(exc))
            self.show_error(describe_problem(exc))
            self._note(f"upload of {local} to {remote} failed: {describe_problem(exc)}")
            return
        self.transfer.finish(f"uploaded {local} to {remote}", digest)
        self._note(f"uploaded {local} to {remote} (sha256 {digest})")
        await self._load(self.cwd, select=posixpath.basename(remote))

    def _note(self, text: str) -> None:
        """A transfer goes into the debugger's incident timeline (sessions/timeline.py)."""
        from kdebug_tui.ui.common import timeline

        context = str(getattr(self.app.services.session, "context", ""))
        timeline.note(self.app, (context, self.namespace, self.pod, self.debugger), text)

    # --- keys ----------------------------------------------------------------------------

    def _path(self, name: str) -> str:
        return posixpath.join(self.cwd, name)

    @on(DataTable.RowSelected, "#files-list")
    def _enter(self) -> None:
        entry = self.listing.selected
        if entry is None:
            return
        if entry.kind == "dir":
            self.go(self._path(entry.name))
        elif entry.kind == "link":  # a directory is opened, a file offered for download
            self.go(self._path(entry.name), link=entry.name)
        elif entry.kind == "file":
            self.action_download()
        else:
            self.show_error(f"{entry.name} is a {entry.kind}: only files can be downloaded")

    def action_up(self) -> None:
        if self.prompt is not None or self.cwd == "/":
            return
        self.go(posixpath.dirname(self.cwd), select=posixpath.basename(self.cwd))

    def action_refresh(self) -> None:
        if self.files is None:
            self._open()
        else:
            self.go(self.cwd)

    def action_edit_path(self) -> None:
        self.query_one("#files-path", Input).focus()

    @on(Input.Submitted, "#files-path")
    def _path_typed(self, event: Input.Submitted) -> None:
        self.listing.focus()
        self.go(event.value.strip() or "/", typed=True)

    def action_download(self) -> None:
        entry = self.listing.selected
        if entry is None or entry.kind not in ("file", "link"):
            self.show_error("Select a file to download (g).")
            return
        local = os.path.join(download_dir(), entry.name.replace("/", "_"))
        self._ask("download", local, f"download {self._path(entry.name)} to local path:")

    def action_upload(self) -> None:
        self._ask("upload", download_dir() + os.sep, f"upload a local file into {self.cwd}:")

    def _ask(self, kind: Prompt, value: str, placeholder: str) -> None:
        if self.transfer.running:
            self.show_error("A transfer is still running; wait for it to finish.")
            return
        self.prompt = kind
        box = self.query_one("#files-prompt", Input)
        shown = clean(placeholder, 300)
        box.border_title = Text(shown)  # a str would be parsed as markup: paths are the target's
        box.placeholder = shown
        box.value = value
        self.add_class("-prompting")
        box.focus()

    @on(Input.Submitted, "#files-prompt")
    def _prompt_done(self, event: Input.Submitted) -> None:
        kind, self.prompt = self.prompt, None
        self.remove_class("-prompting")
        self.listing.focus()
        value = event.value.strip()
        if not value or kind is None:
            return
        if kind == "download":
            entry = self.listing.selected
            if entry is not None:
                local = str(Path(os.path.expanduser(value)).absolute())
                self.download(self._path(entry.name), local)
        else:
            local = str(Path(os.path.expanduser(value)).absolute())
            self.upload(local, self._path(os.path.basename(local)))

    def action_back(self) -> None:
        if self.prompt is not None:
            self.prompt = None
            self.remove_class("-prompting")
            self.listing.focus()
            return
        if self.focused is self.query_one("#files-path", Input):
            self.listing.focus()
            return
        self.app.pop_screen()


def open_files(
    app: Any, namespace: str, pod: str, debugger: str, target: str | None = None
) -> None:
    """Push the browser for `debugger` (errors, e.g. no shared PID namespace, show inside)."""
    app.push_screen(FilesScreen(namespace, pod, debugger, target=target))
