"""Submitting the debug form: confirm privileged choices, send, explain refusals inline.

A mixin of DebugFormScreen (kept apart to keep each module about one thing). Submit sends
the exact `BuiltDebug` the preview shows. Privileged choices are confirmed first in a dialog
that says what they grant. A refusal (422 causes, RBAC with a Role snippet, PodSecurity
with the profile that fits, no ephemeral containers -> copy mode) is explained in the form,
which stays filled in. On success the wait for the container starts at once, and the
sessions screen takes the form's place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Static

from kdebug_tui.kube.debug import BuiltDebug, DebugRequest
from kdebug_tui.kube.errors import KubeError, to_kube_error
from kdebug_tui.kube.inject import PartialInjectError
from kdebug_tui.ui.common.confirm import ConfirmScreen
from kdebug_tui.ui.common.safe_text import clean
from kdebug_tui.ui.debug import fields as F
from kdebug_tui.ui.sessions import typeahead
from kdebug_tui.ui.sessions.flow_backends import GcHold

# Pre-flight codes our own privilege list already explains (no need to say them twice).
COVERED_BY_FORM = ("privileged", "node-access")
# Checks that guess what the API server or kubelet will do, and can guess wrong (a Pod
# Security exemption, an authorizer webhook, an admission webhook the check cannot see):
# the user may send anyway once told which check disagrees. The others are facts about the
# request or the pod (a static pod's kubelet never runs it, a name already taken...).
OVERRIDABLE = frozenset(
    {
        "pod-security",
        "rbac",
        "run-as-non-root",
        "node-not-ready",
        "target-not-running",
        "pod-unscheduled",
    }
)


def blocking_checks(findings: list[Any]) -> list[Any]:
    """The pre-flight findings that keep Submit from sending (level error)."""
    return [f for f in findings if str(getattr(f, "level", "")) == "error"]


def can_override(checks: list[Any]) -> bool:
    return bool(checks) and all(str(getattr(f, "code", "")) in OVERRIDABLE for f in checks)


def check_lines(checks: list[Any]) -> list[str]:
    return [f"• {clean(f.code, 40)}: {clean(f.message, 300)}" for f in checks]


def confirmation_lines(request: DebugRequest, findings: list[Any]) -> list[str]:
    """What needs an explicit yes (the form and `kubectl kdebug` alike): the privileged
    choices plus pre-flight's own confirm findings (K2) that those do not already cover."""
    privileges = F.privileged_choices(
        mode=request.mode,
        profile=request.profile,
        replace=request.copy_options.replace,
        custom=dict(request.custom or {}),
    )
    lines = [f"• {p.grants}" for p in privileges]
    lines += [
        f"• {clean(f.message, 300)}"
        for f in findings
        if getattr(f, "confirm", False) and getattr(f, "code", "") not in COVERED_BY_FORM
    ]
    if lines:
        lines.append("Only continue if this is what the incident needs.")
    return lines


SLOW_SEND_SECONDS = 3  # after this long, "Sending…" says how long it has been waiting

if TYPE_CHECKING:
    _Base = Screen[None]
else:
    _Base = object


class DebugSubmitMixin(_Base):
    built: BuiltDebug | None
    request: DebugRequest | None
    findings: list[Any]
    submitting: bool
    _preview_timer: Timer | None
    _preflight_timer: Timer | None

    @property
    def readonly(self) -> bool:
        raise NotImplementedError

    def _rebuild(self) -> None:
        raise NotImplementedError

    def _update_submit(self) -> None:
        raise NotImplementedError

    def action_submit(self) -> None:
        if self.readonly:
            self.notify("Read-only mode: debugging is disabled.", severity="warning")
            return
        if self._preview_timer is not None:  # inputs changed: send what they say now
            self._preview_timer.stop()
            self._rebuild()
        checks = blocking_checks(self.findings)
        if checks and self.built is not None and not self.submitting:
            self._say_blocked(checks)  # never silently ignored (issue 12 item 6)
            return
        if self.query_one("#submit", Button).disabled or self.built is None:
            return
        self._confirm_and_send()

    def _say_blocked(self, checks: list[Any]) -> None:
        text = Text("Not sent: pre-flight says it would fail.\n", style="bold red")
        text.append(clean("\n".join(check_lines(checks)), 2000, multiline=True))
        if can_override(checks):
            text.append("\nIf the check is wrong, use 'Send anyway…'.", style="dim")
        else:
            fixed = [f.code for f in checks if f.code not in OVERRIDABLE]
            text.append(f"\n{', '.join(fixed)} cannot be overridden: fix the request.", "dim")
        self.query_one("#submit-error", Static).update(text)

    def action_send_anyway(self) -> None:
        """Send despite failing checks, after a confirmation that names each of them."""
        checks = blocking_checks(self.findings)
        if self.readonly or self.built is None or self.submitting or not can_override(checks):
            return
        lines = [
            *check_lines(checks),
            "These checks can be wrong (a Pod Security exemption, an admission or "
            "authorization webhook they cannot see). The API server decides; its answer "
            "shows here if it refuses.",
        ]

        def answered(ok: bool | None) -> None:
            if ok:
                self._confirm_and_send()

        names = ", ".join(sorted({str(f.code) for f in checks}))
        self.app.push_screen(
            ConfirmScreen(
                f"Send despite the failing check: {names}?", lines, yes_label="Send anyway"
            ),
            answered,
        )

    def _confirm_and_send(self) -> None:
        """Confirm privileged choices (if any), then send what the preview shows."""
        built, request = self.built, self.request
        if built is None or request is None:
            return
        lines = confirmation_lines(request, self.findings)
        if len(lines) == 0:
            typeahead.begin(self.app)  # keys typed from now on go to the new session
            self._submit(request, built, GcHold())
            return

        def answered(ok: bool | None) -> None:
            if ok:
                typeahead.begin(self.app)
                self._submit(request, built, GcHold())

        self.app.push_screen(
            ConfirmScreen("This debug session is privileged", lines, yes_label="Grant and debug"),
            answered,
        )

    @work(exclusive=True, group="debug-submit", exit_on_error=False)
    async def _submit(
        self, request: DebugRequest, built: BuiltDebug, hold: GcHold | None = None
    ) -> None:
        """Send; `hold` keeps the GC off until the shell shows (no 100+ ms pause on the way)."""
        from kdebug_tui.ui.sessions.actions import after_inject, inject_built
        from kdebug_tui.ui.sessions.flows import early_start

        # Pre-flight is advice for the form; once sent, it only competes with the send.
        if self._preflight_timer is not None:
            self._preflight_timer.stop()
            self._preflight_timer = None
        self.workers.cancel_group(self, "debug-preflight")
        self.submitting = True
        self._update_submit()
        status = self.query_one("#submit-error", Static)
        status.update("Sending…")
        what = "PATCH ephemeralcontainers" if request.mode == "ephemeral" else "POST pods"
        waited = 0

        def still_sending() -> None:
            # A slow API server (or admission webhook) must not look like a frozen form.
            nonlocal waited
            waited += 1
            if self.submitting and waited >= SLOW_SEND_SECONDS:
                status.update(f"Sending… {what}: no answer from the API server for {waited} s")

        ticker = self.set_interval(1.0, still_sending)
        hold = hold or GcHold()
        try:
            result = await inject_built(self.app, built)
        except PartialInjectError as exc:  # the copy exists; only --replace's delete failed
            self.app.notify(exc.describe(), severity="warning", timeout=10, markup=False)
            result = exc.pod
        except Exception as exc:
            hold.release()
            typeahead.send_failed(self.app)  # keys typed meanwhile act on this form
            self._show_submit_error(to_kube_error(exc), request)
            return
        finally:
            ticker.stop()
            self.submitting = False
            self._update_submit()
        # Start waiting for the container at once, before any screen work.
        actual = str((result.get("metadata") or {}).get("name") or built.pod_name)
        early = None
        if built.container_name and actual == built.pod_name:
            early = early_start(self.app, built, hold)
        else:
            hold.release()
        self.query_one("#submit-error", Static).update("")
        # The pane's flow must outlive this screen (dismissing it cancels its workers).
        # The sessions screen takes this form's place (see show_sessions).
        self.app.run_worker(
            after_inject(self.app, request, built, result, early, form=self),
            group="after-inject",
            exit_on_error=False,
            description=f"open the session for {built.container_name}",
        )

    def _show_submit_error(self, error: KubeError, request: DebugRequest) -> None:
        lines, offer = F.explain_error(error, namespace=request.namespace, mode=request.mode)
        self.query_one("#submit-error", Static).update(
            Text(clean("\n".join(lines), 4000, multiline=True))
        )
        self.query_one("#switch-copy").display = offer == "copy"
        # A 403 RBAC refusal carries the Role granting the verb: offer it to copy.
        self.role_snippet = error.snippet or ""
        self.query_one("#copy-role").display = bool(error.snippet)
