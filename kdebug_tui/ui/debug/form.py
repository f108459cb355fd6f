"""The debug form: choose mode, image, target, profile...; see exactly what will be sent.

The preview is K2's `build(...).preview_yaml` for the current inputs, rebuilt (debounced) on
every change, and Submit sends that very `BuiltDebug` -- the preview is what goes over the
wire, not a re-rendering of it. Random parts (container name, copy and node pod names,
session label) are fixed when the form opens so the preview does not flicker while typing.
Pre-flight checks run in a worker once the inputs settle; an error finding disables Submit.
Submit failures (422 causes, RBAC, PodSecurity, missing ephemeral containers) are explained
in the form, which stays filled in.

Here: the fields and what they show. The preview and pre-flight are `preview.py`, submitting
is `submit.py`, the sections' widgets `sections.py`, reading and prefilling them `inputs.py`.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape as escape_markup
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Input,
    RadioButton,
    RadioSet,
    Select,
    Static,
    TextArea,
)

from kdebug_tui.kube.debug import BuiltDebug, DebugRequest
from kdebug_tui.kube.errors import to_kube_error
from kdebug_tui.kube.names import debugger_container_name, pod_container_names, seeded_suffixes
from kdebug_tui.ui.common.safe_text import clean
from kdebug_tui.ui.debug import fields as F
from kdebug_tui.ui.debug.extras import TriageOptions
from kdebug_tui.ui.debug.inputs import apply_prefill, field_value, form_mode, read_request
from kdebug_tui.ui.debug.preview import PreviewMixin
from kdebug_tui.ui.debug.sections import (
    compose_common,
    compose_copy,
    compose_node,
)
from kdebug_tui.ui.debug.submit import DebugSubmitMixin

DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")  # a namespace name (RFC 1123)


class DebugFormScreen(PreviewMixin, DebugSubmitMixin, Screen[None]):
    """Opened by `d` on the pod list (pod + container) or a node; refuses in read-only mode."""

    DEFAULT_CSS = """
    DebugFormScreen #form-body { height: 1fr; }
    DebugFormScreen #form-fields { width: 1fr; padding: 0 1; }
    DebugFormScreen #form-side { width: 1fr; padding: 0 1; }
    DebugFormScreen .field-row { height: auto; margin-bottom: 0; }
    DebugFormScreen .field-label { width: 12; padding-top: 1; }
    DebugFormScreen .field-row Input { width: 1fr; }
    DebugFormScreen .field-row Select { width: 1fr; margin-top: 1; }
    DebugFormScreen #image-preset { width: 26; }
    DebugFormScreen .field-row Checkbox { margin-top: 1; }
    DebugFormScreen .mode-section { height: auto; }
    DebugFormScreen .checks {
        layout: grid; grid-size: 3; grid-columns: auto; grid-rows: auto; grid-gutter: 0;
        height: auto;
    }
    DebugFormScreen.-narrow .checks { grid-size: 2; }
    DebugFormScreen.-narrow #form-fields { width: 3fr; }
    DebugFormScreen.-narrow #form-side { width: 2fr; }
    DebugFormScreen.-narrow #image-preset { width: 13; }
    DebugFormScreen.-narrow #pull-row {
        layout: grid; grid-size: 2; grid-columns: 16 1fr; grid-rows: 2 1; height: 3;
    }
    DebugFormScreen.-narrow #pull-row Checkbox { margin-top: 0; }
    DebugFormScreen .section-label { margin-top: 1; color: $text-muted; }
    DebugFormScreen .small-area { height: 5; }
    DebugFormScreen .hint { color: $text-muted; padding-left: 12; }
    DebugFormScreen .error-text { color: $error; }
    DebugFormScreen #mode { layout: horizontal; width: 1fr; height: auto; }
    DebugFormScreen #mode > RadioButton { width: auto; margin-right: 2; }
    DebugFormScreen #form-title { text-style: bold; padding: 0 1; }
    DebugFormScreen #preview { height: 1fr; min-height: 8; }
    DebugFormScreen #findings, DebugFormScreen #notes { height: auto; max-height: 12; }
    DebugFormScreen #submit-error { height: auto; max-height: 20; color: $error; }
    DebugFormScreen #form-buttons { height: auto; align-horizontal: right; }
    DebugFormScreen #form-buttons Button { margin-left: 1; }
    DebugFormScreen.-readonly #form-body { display: none; }
    """

    # Below 110 columns the fields get more room than the preview: at 80x24 the image
    # input was 4 cells wide and the mode choices were cut.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-roomy")]

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Submit"),
    ]

    def __init__(
        self,
        pod: dict[str, Any] | None = None,
        container: str | None = None,
        mode: str = "ephemeral",
        node: str | None = None,
        *,
        prefill: Any = None,
    ) -> None:
        super().__init__()
        self.pod = pod
        # Set once every field holds its initial value (children's own mount handlers run
        # after ours: a Select reads NULL until then). Whoever fills the form from outside
        # (`kubectl kdebug` flags) waits for this rather than for a fixed time.
        self.filled = asyncio.Event()
        meta = (pod or {}).get("metadata") or {}
        spec = (pod or {}).get("spec") or {}
        self.pod_name: str | None = meta.get("name")
        self.namespace: str | None = meta.get("namespace")
        self.containers = [c.get("name", "") for c in spec.get("containers") or []]
        self.initial_mode = mode if mode in ("ephemeral", "copy", "node") else "ephemeral"
        if pod is None:
            self.initial_mode = "node"
        self.node = node or spec.get("nodeName")
        self.prefill = prefill
        self.target = container if container in self.containers else None
        if self.target is None and self.containers:
            self.target = self.containers[0]
        self.seed = secrets.randbits(32)
        self.session_id = secrets.token_hex(4)
        self.default_name = debugger_container_name(
            pod_container_names(pod), seeded_suffixes(self.seed)
        )
        self.built: BuiltDebug | None = None
        self.request: DebugRequest | None = None
        self.findings: list[Any] = []
        self.build_error: str = ""
        self.submitting = False
        self._preview_timer: Timer | None = None
        self._preflight_timer: Timer | None = None
        self.triage = TriageOptions(self)  # same user, shared volumes/env, stoppable

    # --- services ------------------------------------------------------------------------

    @property
    def services(self) -> Any:
        return getattr(self.app, "services", None)

    @property
    def readonly(self) -> bool:
        return bool(getattr(self.services, "readonly", False))

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        settings = getattr(self.services, "settings", None)
        images = tuple(getattr(settings, "images", ()) or F.IMAGE_PRESETS_FALLBACK)
        profile = str(getattr(settings, "default_profile", "general") or "general")
        pre = self.prefill
        image = (getattr(pre, "image", None) or images[0]) if images else "busybox:1.36"
        yield Static(self._title(), id="form-title", markup=False)
        if self.readonly:
            yield Static(
                "Read-only mode: debugging is disabled (it would change the cluster).",
                id="readonly-note",
            )
        with Horizontal(id="form-body"):
            with VerticalScroll(id="form-fields"):
                yield from compose_common(
                    mode=getattr(pre, "mode", None) or self.initial_mode,
                    images=images,
                    image=image,
                    targets=self.containers,
                    target=getattr(pre, "target", None) or self.target,
                    name=getattr(pre, "container", None) or self.default_name,
                    profile=getattr(pre, "profile", None) or profile,
                    profile_desc=F.profile_description(profile),
                    command=" ".join(_quote(getattr(pre, "command", ()) or ())),
                    env="\n".join(getattr(pre, "env", ()) or ()),
                )
                yield from compose_copy(
                    copy_name=getattr(pre, "copy_to", None) or f"{self.pod_name or 'pod'}-debug",
                    containers=self.containers,
                )
                namespace, why = self._node_namespace()
                yield from compose_node(node=self.node, namespace=namespace, why=why)
                yield from self.triage.compose(image)
            with Vertical(id="form-side"):
                yield Static("Preview: exactly what will be sent", classes="section-label")
                yield TextArea.code_editor("", language="yaml", id="preview", read_only=True)
                yield Static("", id="findings")
                yield Static("", id="notes")
                yield Static("", id="submit-error")
                with Horizontal(id="form-buttons"):
                    yield Button("Copy the Role", id="copy-role")  # shown on an RBAC refusal
                    yield Button("Use copy mode", id="switch-copy", variant="warning")
                    # shown when only checks that can be wrong block the submit
                    yield Button("Send anyway…", id="send-anyway", variant="error")
                    yield Button("Cancel", id="cancel")
                    yield Button("Submit", id="submit", variant="success", disabled=True)
        yield Footer()

    def _title(self) -> str:
        if self.pod_name:
            return clean(f"Debug {self.namespace}/{self.pod_name}", 200)
        return clean(f"Debug node {self.node or '(choose a node)'}", 200)

    def on_mount(self) -> None:
        self.set_class(self.readonly, "-readonly")
        self.query_one("#switch-copy").display = False
        self.query_one("#copy-role").display = False
        self.query_one("#send-anyway").display = False
        self.call_after_refresh(self.filled.set)
        if self.readonly:
            return
        if not self.pod_name:  # node mode only: there is no pod to copy or to inject into
            for key in ("ephemeral", "copy"):
                self.query_one(f"#mode-{key}").disabled = True
        apply_prefill(self, self.prefill)
        self._mode_changed()
        self._load_nodes()
        self._rebuild()
        self.query_one("#image", Input).focus()
        self.call_after_refresh(_warm_up)

    # --- reading the inputs --------------------------------------------------------------

    @property
    def mode(self) -> str:
        return form_mode(self)

    def _value(self, selector: str) -> Any:
        return field_value(self, selector)

    def _node_namespace(self) -> tuple[str, str]:
        """Where a node debug pod goes by default, and why: kubectl debug node/... uses the
        current namespace (-n, else the context's), never the last pod's namespace."""
        services = self.services
        shown = getattr(services, "namespace", None)
        if shown:
            return shown, f"the namespace shown ({shown}), as kubectl -n {shown} would"
        try:
            context = services.session.context_info.namespace or "default"
        except Exception:
            context = "default"
        return context, f"the context's namespace ({context}), as kubectl uses without -n"

    def collect(self) -> DebugRequest:
        """The DebugRequest for what the form shows; FieldError names a bad field."""
        session = getattr(self.services, "session", None)
        namespace = self.namespace or getattr(session, "namespace", None) or "default"
        if self.mode == "node":
            namespace = self._value("#node-namespace") or self._node_namespace()[0]
            if not DNS_LABEL.fullmatch(namespace):
                raise F.FieldError("node-namespace", f"{namespace!r} is not a namespace name")
        return self.triage.apply(
            read_request(
                self, namespace=namespace, pod_name=self.pod_name, session_id=self.session_id
            )
        )

    # --- reacting to changes -------------------------------------------------------------

    def _mode_changed(self) -> None:
        """Node pods name their container `debugger` (kubectl); pods get `debugger-xxxxx`."""
        name = self.query_one("#name", Input)
        if self.mode == "node" and name.value == self.default_name:
            name.value = "debugger"
        elif self.mode != "node" and name.value == "debugger":
            name.value = self.default_name
        self._show_sections()

    def _show_sections(self) -> None:
        mode = self.mode
        self.query_one("#copy-options").display = mode == "copy"
        self.query_one("#node-options").display = mode == "node"
        self.query_one("#target-row").display = mode == "ephemeral"

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(TextArea.Changed)
    @on(RadioSet.Changed)
    @on(Select.Changed)
    def _changed(self, event: Any) -> None:
        if getattr(event, "control", None) is not None and event.control.id == "preview":
            return
        if isinstance(event, Select.Changed):
            if event.select.id == "image-preset" and event.value is not Select.BLANK:
                self.query_one("#image", Input).value = str(event.value)
            elif event.select.id == "profile":
                desc = F.profile_description(str(event.value))
                self.query_one("#profile-desc", Static).update(desc)
        if isinstance(event, RadioSet.Changed):
            self._mode_changed()
        self.triage.changed(event)
        self._schedule_rebuild()

    @work(group="debug-nodes", exit_on_error=False)
    async def _load_nodes(self) -> None:
        if self.services is None or getattr(self.services, "session", None) is None:
            return
        try:
            nodes = await self.services.list_nodes()
        except Exception as exc:
            select = self.query_one("#node", Select)
            # A Select's prompt is parsed as markup (it becomes a Static): escape the title.
            title = escape_markup(clean(to_kube_error(exc).title, 60))
            select.prompt = f"cannot list nodes: {title}"
            return
        select = self.query_one("#node", Select)
        current = select.value
        select.set_options([(n, n) for n in nodes])
        if current in nodes:
            select.value = current
        elif self.node in nodes:
            select.value = self.node

    # --- submitting ----------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "submit":
            self.action_submit()
        elif event.button.id == "cancel":
            self.action_cancel()
        elif event.button.id == "send-anyway":
            self.action_send_anyway()
        elif event.button.id == "probe-identity":
            self.triage.ask_probe()
        elif event.button.id == "copy-role":
            self.app.copy_to_clipboard(getattr(self, "role_snippet", ""))
            self.notify("Copied the Role: paste it for whoever administers the cluster.")
        elif event.button.id == "switch-copy":
            self.query_one("#mode-copy", RadioButton).value = True
            event.button.display = False

    def action_cancel(self) -> None:
        self.dismiss(None)


def _warm_up() -> None:
    """Import what submit needs while the user fills in the form, not after Submit."""
    import kdebug_tui.kube.attach
    import kdebug_tui.kube.inject
    import kdebug_tui.term.emulator
    import kdebug_tui.ui.sessions.actions  # noqa: F401


def _quote(argv: Any) -> list[str]:
    import shlex

    return [shlex.quote(str(a)) for a in argv]
