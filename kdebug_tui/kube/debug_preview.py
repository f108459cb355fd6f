"""The preview of a debug call: the request line, the notes, then the exact body as YAML.

Rendered from the same body that is sent, so what the user reviews is what goes over the
wire; multi-line strings (the stop wrapper's script) are literal blocks, readable as code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from .debug import BuiltDebug


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
