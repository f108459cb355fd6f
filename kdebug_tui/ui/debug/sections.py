"""The debug form's field groups, composed once; the form screen shows/hides them by mode.

Every input has a stable id (tests and the benchmark drive the form through them):
mode, image, image-preset, target, name, profile, profile-desc, command, env, pull,
stdin, tty, custom, custom-error; copy: copy-name, set-image, share-processes, same-node,
replace, keep-labels, keep-annotations, keep-liveness, keep-readiness, keep-startup,
keep-init, change-container; node: node.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet, Select, Static, TextArea

from kdebug_tui.kube.profiles import PROFILES

NONE_TARGET = "__none__"
NEW_CONTAINER = "__new__"
PULL_DEFAULT = "__default__"
MODE_LABELS = {
    "ephemeral": "Ephemeral",  # the README's mode names; they fit side by side at 80x24
    "copy": "Copy",
    "node": "Node",
}


def field_row(label: str, *widgets: object, id: str | None = None) -> Horizontal:
    row = Horizontal(Label(label, classes="field-label"), *widgets, classes="field-row", id=id)  # type: ignore[arg-type]
    return row


def compose_common(
    *,
    mode: str,
    images: Sequence[str],
    image: str,
    targets: Sequence[str],
    target: str | None,
    name: str,
    profile: str,
    profile_desc: str,
    command: str,
    env: str,
) -> ComposeResult:
    with RadioSet(id="mode"):
        for key, label in MODE_LABELS.items():
            yield RadioButton(label, value=key == mode, id=f"mode-{key}")
    yield field_row(
        "Image",
        Input(image, id="image", placeholder="image reference, e.g. busybox:1.36"),
        Select(
            [(i, i) for i in images],
            id="image-preset",
            prompt="presets",
            allow_blank=True,
            compact=True,
        ),
    )
    yield field_row(
        "Target",
        Select(
            [("(none: own PID namespace)", NONE_TARGET), *((t, t) for t in targets)],
            id="target",
            value=target or NONE_TARGET,
            allow_blank=False,
            compact=True,
        ),
        id="target-row",
    )
    yield field_row("Name", Input(name, id="name", placeholder="debug container name"))
    yield field_row(
        "Profile",
        Select(
            [(p, p) for p in PROFILES], id="profile", value=profile, allow_blank=False, compact=True
        ),
    )
    yield Static(profile_desc, id="profile-desc", classes="hint", markup=False)
    yield field_row(
        "Command",
        Input(command, id="command", placeholder="argv, shell-quoted; empty = image default"),
    )
    yield Label("Environment (KEY=VALUE per line)", classes="section-label")
    yield TextArea(env, id="env", classes="small-area", soft_wrap=False)
    with Horizontal(classes="field-row", id="pull-row"):
        yield Label("Pull policy", classes="field-label")
        yield Select(
            [
                ("(default)", PULL_DEFAULT),
                ("Always", "Always"),
                ("IfNotPresent", "IfNotPresent"),
                ("Never", "Never"),
            ],
            id="pull",
            value=PULL_DEFAULT,
            allow_blank=False,
            compact=True,
        )
        yield Checkbox("stdin (-i)", True, id="stdin", compact=True)
        yield Checkbox("tty (-t)", True, id="tty", compact=True)
    yield Label("Custom container spec (YAML, merged like --custom)", classes="section-label")
    # Tab moves on (the default "indent" trapped keyboard users in this box; YAML
    # indents with spaces anyway).
    yield TextArea.code_editor(
        "", language="yaml", id="custom", classes="small-area", tab_behavior="focus"
    )
    yield Static("", id="custom-error", classes="error-text", markup=False)


def compose_copy(*, copy_name: str, containers: Iterable[str]) -> ComposeResult:
    with Vertical(id="copy-options", classes="mode-section"):
        yield Label("Copy options", classes="section-label")
        yield field_row("Copy name", Input(copy_name, id="copy-name"))
        yield field_row(
            "Set image",
            Input("", id="set-image", placeholder="name=image, … (*=image for all)"),
        )
        yield field_row(
            "Change",
            Select(
                [("(add a new debug container)", NEW_CONTAINER), *((c, c) for c in containers)],
                id="change-container",
                value=NEW_CONTAINER,
                allow_blank=False,
                compact=True,
            ),
        )
        with Horizontal(classes="checks"):
            yield Checkbox("share processes", True, id="share-processes", compact=True)
            yield Checkbox("same node", False, id="same-node", compact=True)
            yield Checkbox("replace original", False, id="replace", compact=True)
        with Horizontal(classes="checks"):
            yield Checkbox("keep labels", False, id="keep-labels", compact=True)
            yield Checkbox("keep annotations", False, id="keep-annotations", compact=True)
            yield Checkbox("keep init containers", True, id="keep-init", compact=True)
        with Horizontal(classes="checks"):
            yield Checkbox("keep liveness", False, id="keep-liveness", compact=True)
            yield Checkbox("keep readiness", False, id="keep-readiness", compact=True)
            yield Checkbox("keep startup", False, id="keep-startup", compact=True)


def compose_node(*, node: str | None, namespace: str = "default", why: str = "") -> ComposeResult:
    """The node, and the namespace the node debug pod goes to (kubectl: the current one)."""
    with Vertical(id="node-options", classes="mode-section"):
        yield field_row(
            "Pod namespace",
            Input(namespace, id="node-namespace", placeholder="namespace of the debug pod"),
        )
        yield Static(Text(why, style="dim"), id="node-namespace-why")
        options = [(node, node)] if node else []
        yield field_row(
            "Node",
            Select(
                options,
                id="node",
                value=node if node else Select.BLANK,
                prompt="loading nodes…",
                compact=True,
            ),
        )
