"""The debug form's live preview and pre-flight: rebuild what would be sent on every
change (debounced), show it with its notes, run K2's pre-flight checks once the inputs
settle, and enable Submit only when there is something valid to send.

A mixin of DebugFormScreen, which owns the fields (`collect()`) and the state it updates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Static, TextArea

from kdebug_tui.kube.debug import BuiltDebug, DebugRequest, build
from kdebug_tui.kube.errors import KubeError, to_kube_error
from kdebug_tui.kube.names import seeded_suffixes
from kdebug_tui.ui.common.safe_text import clean
from kdebug_tui.ui.debug import fields as F

if TYPE_CHECKING:
    _Base = Screen[None]
else:
    _Base = object

PREVIEW_DELAY = 0.15
PREFLIGHT_DELAY = 0.4
LEVEL_ICONS = {
    "error": ("✖", "bold red"),
    "warning": ("⚠", "yellow"),
    "info": ("i", "cyan"),
}


@dataclass(frozen=True)
class _Note:
    """A finding of our own, shaped like K2's Finding."""

    level: str
    message: str
    hint: str | None = None
    code: str = "ui"
    confirm: bool = False


class PreviewMixin(_Base):
    """Preview, notes, findings and the Submit button's state of the debug form."""

    pod: dict[str, Any] | None
    seed: int
    built: BuiltDebug | None
    request: DebugRequest | None
    findings: list[Any]
    build_error: str
    submitting: bool
    _preview_timer: Timer | None
    _preflight_timer: Timer | None

    if TYPE_CHECKING:

        @property
        def services(self) -> Any: ...

        @property
        def readonly(self) -> bool: ...

        def collect(self) -> DebugRequest: ...

    def _schedule_rebuild(self) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(PREVIEW_DELAY, self._rebuild)

    def _rebuild(self) -> None:
        """Build what would be sent now; show it, or say inline why it cannot be built."""
        self._preview_timer = None
        error_box = self.query_one("#custom-error", Static)
        try:
            request = self.collect()
            built = build(request, self.pod, suffix=seeded_suffixes(self.seed))
        except F.FieldError as exc:
            self._set_unbuildable(exc.message, custom=exc.field == "custom")
            return
        except KubeError as exc:
            self._set_unbuildable(exc.describe(), custom="custom spec" in exc.message)
            return
        error_box.update("")
        self.request, self.built, self.build_error = request, built, ""
        self.query_one("#preview", TextArea).load_text(built.preview_yaml)
        self._show_notes(request, built)
        self.findings = []
        self._render_findings()
        if self._preflight_timer is not None:
            self._preflight_timer.stop()
        self._preflight_timer = self.set_timer(PREFLIGHT_DELAY, self._start_preflight)

    def _set_unbuildable(self, message: str, *, custom: bool) -> None:
        self.request, self.built, self.build_error = None, None, message
        if custom:
            self.query_one("#custom-error", Static).update(
                Text(clean(message, 600, multiline=True))
            )
        self._render_findings()

    def _show_notes(self, request: DebugRequest, built: BuiltDebug) -> None:
        lines = [f"• {n}" for n in built.notes] + [f"⚠ {w}" for w in built.warnings]
        env_pairs = [(e.name, e.value) for e in request.env]
        lines += [f"⚠ {w}" for w in F.secret_warnings(list(request.command), env_pairs)]
        if request.command or request.env:
            lines.append(F.SPEC_NOTE)
        if request.stdin:
            lines.append(F.LOGS_NOTE)
        if request.mode == "node":
            lines.insert(0, f"• The node debug pod goes to namespace {request.namespace}.")
        self.query_one("#notes", Static).update(Text(clean("\n".join(lines), 2000, multiline=True)))

    def _render_findings(self) -> None:
        text = Text()
        if self.build_error:
            text.append("✖ ", style="bold red")
            text.append(clean(self.build_error, 600, multiline=True) + "\n")
        for finding in self.findings:
            icon, style = LEVEL_ICONS.get(str(finding.level), ("•", ""))
            text.append(f"{icon} ", style=style)
            text.append(clean(finding.message, 400))
            if getattr(finding, "hint", None):
                text.append(f"\n   {clean(finding.hint, 400)}", style="dim")
            text.append("\n")
        self.query_one("#findings", Static).update(text)
        self._update_submit()

    def _update_submit(self) -> None:
        from kdebug_tui.ui.debug.submit import blocking_checks, can_override

        checks = blocking_checks(self.findings)
        unable = self.readonly or self.submitting or self.built is None
        self.query_one("#submit", Button).disabled = unable or bool(checks)
        self.query_one("#send-anyway", Button).display = (
            not unable and bool(checks) and can_override(checks)
        )

    def _start_preflight(self) -> None:
        self._preflight_timer = None
        if self.request is not None:
            self._preflight(self.request)

    @work(exclusive=True, group="debug-preflight", exit_on_error=False)
    async def _preflight(self, request: DebugRequest) -> None:
        """K2's checks (RBAC, PodSecurity vs profile, runAsNonRoot...) off the event loop."""
        try:
            from kdebug_tui.kube.preflight import preflight
        except ImportError:  # pre-flight is advisory; the form works without it
            return
        session = getattr(self.services, "session", None)
        if session is None:
            return
        findings: list[Any]
        try:
            findings = list(await preflight(session, request, self.pod))
        except Exception as exc:  # advisory: say it could not check, never block on it
            error = to_kube_error(exc)
            findings = [_Note("info", f"pre-flight checks could not run: {error}")]
        if request is self.request:
            # Secret-looking values are already in the notes (computed without a round trip).
            self.findings = [f for f in findings if not str(f.code).startswith("secret")]
            self._render_findings()
