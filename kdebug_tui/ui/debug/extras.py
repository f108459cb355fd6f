"""The debug form's options beyond kubectl debug: run as the target's user, share its
volumes and environment, make the debugger stoppable (CONTRACTS.md 2b).

All off unless the user chose them: the form's defaults send exactly what `kubectl debug`
with the same flags sends. Each switch is a remembered choice (`debug_choices.py`, next to
the config), and the preview says what each one adds.

`TriageOptions` belongs to one DebugFormScreen: it composes the switches, turns them into
DebugRequest fields (`apply`, called for every preview), and finds out as whom the target
runs. The uid comes from the spec when it is there (instant); otherwise it is resolved in a
worker (`resolve_target_identity`: /proc through a running debugger of ours). When nothing
can tell, the form says so and offers the probe (`probe_target_identity`) behind a
confirmation, because the probe leaves a terminated entry in the pod for good.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Static

from kdebug_tui.debug_choices import DebugChoices, load_choices, save_choices
from kdebug_tui.kube.debug import DebugRequest
from kdebug_tui.kube.stopping import image_has_shell
from kdebug_tui.ui.common.safe_text import clean

PROBE_FALLBACK_IMAGE = "busybox:1.36"
SWITCH_IDS = ("same-user", "share-mounts", "share-env", "stoppable")
LABELS = {
    "same-user": "same user as target",
    "share-mounts": "share volumes",
    "share-env": "share env",
    "stoppable": "stoppable",
}
# What each adds to what kubectl would send (the preview's notes say it for the request).
ADDS = {
    "same-user": "adds securityContext.runAsUser/runAsGroup: the target's uid and gid",
    "share-mounts": "adds the target's volumeMounts (not subPath ones, for an ephemeral one)",
    "share-env": "adds the target's env and envFrom (secret references stay references)",
    "stoppable": "wraps the command you set in sh, which records its pid for Stop (S); "
    "without a command the image's entrypoint runs and it is not stoppable",
}
# switch id -> DebugChoices field
CHOICE_OF = {
    "same-user": "same_user",
    "share-mounts": "share_volumes",
    "share-env": "share_env",
    "stoppable": "stoppable",
}


class TriageOptions:
    """State and widgets of the triage switches of one debug form (`form`)."""

    def __init__(self, form: Any) -> None:
        self.form = form
        self.identities: dict[str, Any] = {}  # source container -> TargetIdentity
        self.resolving: set[str] = set()
        self.probing = False
        self.remember = True  # the user's switch changes are remembered (not from flags)
        self.source: str | None = None  # the container shared from, for the last request

    # --- widgets -------------------------------------------------------------------------

    def compose(self, image: str) -> ComposeResult:
        # From `kubectl kdebug` flags: off, so the body is exactly kubectl's (CONTRACTS 2b);
        # otherwise what the user chose last time (all off until they choose).
        self.remember = self.form.prefill is None
        chosen = load_choices() if self.remember else DebugChoices()
        with Vertical(id="triage-options", classes="mode-section"):
            yield Label("Beyond kubectl debug (remembered)", classes="section-label")
            with Horizontal(classes="checks"):
                for key, label in LABELS.items():
                    box = Checkbox(label, getattr(chosen, CHOICE_OF[key]), id=key, compact=True)
                    box.tooltip = ADDS[key]
                    yield box
            yield Static("", id="identity-note", classes="hint", markup=False)
            button = Button("Probe the target's uid…", id="probe-identity", compact=True)
            button.display = False
            yield button

    def _switch(self, key: str) -> bool:
        return bool(self.form.query_one(f"#{key}", Checkbox).value)

    def changed(self, event: Any) -> None:
        """Called by the form for every input change: a switch the user flips is remembered
        for the next form."""
        control_id = getattr(getattr(event, "control", None), "id", None)
        if control_id in CHOICE_OF and self.remember:
            choices = DebugChoices(**{CHOICE_OF[k]: self._switch(k) for k in SWITCH_IDS})
            try:
                save_choices(choices)
            except OSError as exc:  # a read-only config dir: the choice holds for this form
                self.form.app.notify(
                    f"could not remember the choice: {exc.strerror or exc}", severity="warning"
                )

    def _sync_enabled(self) -> None:
        mode = self.form.mode
        for key in ("same-user", "share-mounts", "share-env"):
            self.form.query_one(f"#{key}", Checkbox).disabled = mode == "node"
        self.form.query_one("#stoppable", Checkbox).disabled = mode != "ephemeral"

    # --- the request ---------------------------------------------------------------------

    def apply(self, request: DebugRequest) -> DebugRequest:
        """`request` with the switches applied; starts resolving the uid when needed."""
        mode = request.mode
        self._sync_enabled()
        sharing = mode != "node"
        same_user = sharing and self._switch("same-user")
        changes: dict[str, Any] = {
            "run_as_target_user": same_user,
            "share_target_mounts": sharing and self._switch("share-mounts"),
            "share_target_env": sharing and self._switch("share-env"),
            "wrap_for_stop": mode == "ephemeral" and self._switch("stoppable"),
        }
        self.source = self._source_name(request) if same_user else None
        if self.source is not None:
            identity = self.identities.get(self.source)
            if identity is not None and identity.known:
                changes["target_identity"] = identity
            elif identity is None and self._spec_identity(self.source) is None:
                self._resolve(self.source)
        self._show_identity()
        return dataclasses.replace(request, **changes)

    def _source_name(self, request: DebugRequest) -> str | None:
        from kdebug_tui.kube.debug_options import source_container
        from kdebug_tui.kube.errors import KubeError

        try:
            return str(source_container(request, self.form.pod)["name"])
        except KubeError:
            return None  # the builder says why (e.g. no target chosen)

    def _spec_identity(self, name: str) -> Any:
        from kdebug_tui.kube.identity import identity_from_spec

        return identity_from_spec(self.form.pod or {}, name)

    def _show_identity(self) -> None:
        note = self.form.query_one("#identity-note", Static)
        button = self.form.query_one("#probe-identity", Button)
        name = self.source
        button.display = False
        if name is None:
            note.update("")
            return
        identity = self.identities.get(name) or self._spec_identity(name)
        if name in self.resolving:
            text = f"finding out as whom {name} runs…"
        elif self.probing:
            text = f"probing {name}'s process for its uid…"
        elif identity is None:
            text = ""
        elif identity.known:
            text = f"runs as uid {identity.uid}: {identity.explanation}"
        else:
            text = f"uid of {name} unknown: {identity.explanation}"
            button.display = True
        note.update(clean(text, 600, multiline=True))

    # --- finding the uid -----------------------------------------------------------------

    def _resolve(self, name: str) -> None:
        session = getattr(self.form.services, "session", None)
        if session is None or self.form.pod is None or name in self.resolving:
            return
        self.resolving.add(name)
        self.form.run_worker(
            self._resolve_work(session, name),
            group=f"identity-{name}",
            exclusive=True,
            exit_on_error=False,
            description=f"find out as whom {name} runs",
        )

    async def _resolve_work(self, session: Any, name: str) -> None:
        from kdebug_tui.kube.identity import TargetIdentity, resolve_target_identity

        try:
            meta = self.form.pod.get("metadata") or {}
            pod = await self.form.services.get_pod(meta.get("namespace"), meta.get("name"))
            identity = await resolve_target_identity(session, pod, name)
        except Exception as exc:  # an unknown uid, with the reason: the probe may still work
            from kdebug_tui.kube.errors import to_kube_error

            identity = TargetIdentity(None, None, "unknown", to_kube_error(exc).describe())
        finally:
            self.resolving.discard(name)
        self.identities[name] = identity
        self.form._schedule_rebuild()

    def ask_probe(self) -> None:
        """The probe button: confirm (it leaves a terminated entry), then probe."""
        from kdebug_tui.ui.common.confirm import ConfirmScreen

        name, pod = self.source, self.form.pod
        if name is None or pod is None or self.probing:
            return
        image = str(self.form.query_one("#image", Input).value.strip())
        if not image_has_shell(image):
            image = PROBE_FALLBACK_IMAGE  # the probe needs sh, cat, stat and grep
        pod_name = (pod.get("metadata") or {}).get("name", "")
        lines = [
            f"A one-shot container (kdebug-idprobe-…, image {image}) is added to pod "
            f"{pod_name}, targeting {name}: it reads /proc/<pid>/status of {name}'s process "
            "and exits. It runs as nobody with every capability dropped.",
            "Ephemeral containers cannot be removed: the probe stays in the pod's spec as a "
            "terminated entry until the pod is deleted or replaced.",
        ]

        def answered(ok: bool | None) -> None:
            if ok:
                self._probe(name, image)

        self.form.app.push_screen(
            ConfirmScreen(f"Probe {name}'s user?", lines, yes_label="Probe"), answered
        )

    def _probe(self, name: str, image: str) -> None:
        session = getattr(self.form.services, "session", None)
        if session is None:
            return
        self.probing = True
        self._show_identity()
        self.form.run_worker(
            self._probe_work(session, name, image),
            group="identity-probe",
            exclusive=True,
            exit_on_error=False,
            description=f"probe {name}'s uid",
        )

    async def _probe_work(self, session: Any, name: str, image: str) -> None:
        from kdebug_tui.kube.identity import probe_target_identity

        meta = self.form.pod.get("metadata") or {}
        try:
            identity = await probe_target_identity(
                session, meta.get("namespace", ""), meta.get("name", ""), name, image
            )
        except Exception as exc:
            self.form.app.notify_error(exc, title="The probe did not find the uid")
            return
        finally:
            self.probing = False
            self._show_identity()
        self.identities[name] = identity
        self.form._schedule_rebuild()
