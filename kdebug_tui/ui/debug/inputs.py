"""Reading the debug form's widgets into a DebugRequest, and prefilling them.

Functions over the form's widget ids (see sections.py), kept apart from the screen so
the screen is about behaviour (preview, pre-flight, submit) and this about field mapping.
"""

from __future__ import annotations

from typing import Any

from textual.dom import DOMNode
from textual.widgets import Checkbox, Input, RadioSet, Select, TextArea

from kdebug_tui.kube.custom_spec import CustomSpecError, parse_custom_spec
from kdebug_tui.kube.debug import CopyOptions, DebugRequest, EnvVar
from kdebug_tui.ui.debug import fields as F
from kdebug_tui.ui.debug.sections import NEW_CONTAINER, NONE_TARGET, PULL_DEFAULT


def form_mode(root: DOMNode) -> str:
    """ "ephemeral", "copy" or "node": the pressed mode button."""
    pressed = root.query_one("#mode", RadioSet).pressed_button
    return (pressed.id or "mode-ephemeral").removeprefix("mode-") if pressed else "ephemeral"


def field_value(root: DOMNode, selector: str) -> Any:
    """An input's value: stripped text, a bool, a TextArea's text, or None for a blank select."""
    widget = root.query_one(selector)
    if isinstance(widget, Input):
        return widget.value.strip()
    if isinstance(widget, Checkbox):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Select):
        return None if widget.value is Select.BLANK else widget.value
    raise TypeError(selector)


def read_request(
    root: DOMNode, *, namespace: str, pod_name: str | None, session_id: str
) -> DebugRequest:
    """The DebugRequest for what the form shows; FieldError names a bad field."""

    def value(selector: str) -> Any:
        return field_value(root, selector)

    mode = form_mode(root)
    try:
        custom = parse_custom_spec(value("#custom"))
    except CustomSpecError as exc:
        raise F.FieldError("custom", "; ".join(exc.problems)) from None
    command = F.parse_command(value("#command"))
    env = [EnvVar(k, v) for k, v in F.parse_env(value("#env"))]
    pull = value("#pull")
    target = value("#target")
    change = value("#change-container")
    copy_options = CopyOptions(
        copy_to=value("#copy-name") or None,
        set_image=F.parse_set_image(value("#set-image")),
        share_processes=value("#share-processes"),
        same_node=value("#same-node"),
        replace=value("#replace"),
        keep_labels=value("#keep-labels"),
        keep_annotations=value("#keep-annotations"),
        keep_liveness=value("#keep-liveness"),
        keep_readiness=value("#keep-readiness"),
        keep_startup=value("#keep-startup"),
        keep_init_containers=value("#keep-init"),
        change_container=None if change in (None, NEW_CONTAINER) else change,
    )
    return DebugRequest(
        mode=mode,  # type: ignore[arg-type]
        namespace=namespace,
        pod_name=pod_name,
        node_name=value("#node") if mode == "node" else None,
        image=value("#image") or None,
        image_pull_policy=None if pull in (None, PULL_DEFAULT) else pull,
        container_name=None if copy_options.change_container else (value("#name") or None),
        target=None if mode != "ephemeral" or target in (None, NONE_TARGET) else target,
        command=command,
        stdin=value("#stdin"),
        tty=value("#tty"),
        env=env,
        profile=value("#profile") or "general",
        custom=custom or None,
        copy_options=copy_options,
        session_id=session_id,
    )


def apply_prefill(root: DOMNode, prefill: Any) -> None:
    """`kubectl kdebug ...` flags that the form's compose() does not cover."""
    if prefill is None:
        return
    if getattr(prefill, "set_image", ()):
        root.query_one("#set-image", Input).value = ", ".join(prefill.set_image)
    if getattr(prefill, "share_processes", None) is not None:
        root.query_one("#share-processes", Checkbox).value = bool(prefill.share_processes)
    if getattr(prefill, "replace", False):
        root.query_one("#replace", Checkbox).value = True
    root.query_one("#stdin", Checkbox).value = bool(getattr(prefill, "stdin", True))
    root.query_one("#tty", Checkbox).value = bool(getattr(prefill, "tty", True))
