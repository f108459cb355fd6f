"""The built debug call and its preview: the request line, the notes, the exact body as YAML.

`BuiltDebug` renders its own preview from the body it carries (recomputed by every
`dataclasses.replace`), so what the user reviews is always what goes over the wire;
multi-line strings are literal blocks, readable as code. The builders (`debug.py`) produce
it; `inject.py` sends it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from .debug_request import Mode


@dataclass(frozen=True)
class BuiltDebug:
    """Exactly what will be sent. For ephemeral containers (which cannot carry labels) this
    is also the record the UI keeps to track and report what it added."""

    mode: Mode
    method: str
    path: str
    body: dict[str, Any]
    container_name: str  # "" when nothing is added to attach to (--set-image only)
    pod_name: str
    warnings: tuple[str, ...] = ()
    namespace: str = ""
    session_id: str = ""
    delete_original: str | None = None  # --replace: delete this pod once the copy exists
    name_generated: bool = False  # the pod name may be regenerated on a collision
    node_name: str | None = None
    image: str | None = None
    notes: tuple[str, ...] = ()  # what the options chose and why (shown in the preview)
    stop_file: str | None = None  # set when the command is wrapped for stop_debugger
    preview_yaml: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "preview_yaml", render_preview(self))

    @property
    def creates_pod(self) -> bool:
        return self.mode != "ephemeral"

    def with_pod_name(self, name: str) -> BuiltDebug:
        """The same call for another pod name (a generated name collided)."""
        body = copy.deepcopy(self.body)
        body["metadata"]["name"] = name
        return replace(self, body=body, pod_name=name)


def render_preview(built: BuiltDebug) -> str:
    """The YAML shown before creating anything: the request line, then the exact body."""
    lines = [f"# {built.method} {built.path}"]
    if built.mode == "ephemeral":
        lines.append("# (strategic merge patch: appends one entry to spec.ephemeralContainers)")
    if built.delete_original:
        lines.append(
            f"# then DELETE /api/v1/namespaces/{built.namespace}/pods/{built.delete_original}"
            " (only after the copy exists)"
        )
    for note in built.notes:
        lines.append(f"# {note}")
    text = yaml.dump(
        built.body, Dumper=_PreviewDumper, sort_keys=False, default_flow_style=False, width=100
    )
    return "\n".join(lines) + "\n" + text


class _PreviewDumper(yaml.SafeDumper):
    """Multi-line strings (the stop wrapper's script) as literal blocks, readable as code."""


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value and all(line == line.rstrip() for line in value.split("\n")):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_PreviewDumper.add_representer(str, _str_presenter)
