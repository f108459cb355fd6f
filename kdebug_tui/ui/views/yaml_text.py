"""Block YAML of a JSON-shaped object (what the API returns), fast enough for any object.

pyyaml's representer runs in Python per node and holds the GIL: 7 s for a 1.8 MB pod,
45 s for a 10 MB one, and even libyaml's emitter (CSafeDumper) kept 1.2 s of Python work
in the representer. API objects are only dicts, lists, strings, numbers, booleans and
null, so this writes them directly in kubectl's layout (sequences not indented under
their key, multi-line strings as `|` blocks). A string is written plain only when a plain
scalar cannot be read back as anything else; otherwise as a JSON string, which is also a
valid YAML double-quoted scalar. yaml.safe_load of the result gives the object back
(tests/ui/test_yaml_large.py checks this on pods and odd values).
"""

from __future__ import annotations

import json
import re
from typing import Any

# Plain only when unambiguous: starts with a letter, '/' or '_'; no ': ', ' #', no flow
# or quote characters; not a YAML 1.1 boolean/null word (pyyaml resolves those).
_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./@%+=() -]*\Z")
_RESERVED = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null"])
_PLAIN_LIMIT = 4096  # longer strings go straight to json.dumps (C): no regex over megabytes
_PRINTABLE_BLOCK = re.compile(r"[^\t\n\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def scalar(value: Any) -> str:
    """One scalar (or an empty collection) as YAML text on one line."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)  # YAML 1.1 (pyyaml) reads 1e+300 as a string: 1.0e+300
        return text.replace("e", ".0e") if "e" in text and "." not in text else text
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list | tuple):
        return "[]"
    text = str(value)
    if (
        len(text) <= _PLAIN_LIMIT
        and _PLAIN.match(text)
        and not text.endswith(" ")
        and text.lower() not in _RESERVED
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _block(text: str) -> str | None:
    """The `|` header for a multi-line string that a literal block keeps exactly, or None."""
    if "\n" not in text or text[:1] in (" ", "\t", "\n") or _PRINTABLE_BLOCK.search(text):
        return None
    if "\r" in text or "\u2028" in text or "\u2029" in text or "\x85" in text:
        return None
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    if trailing > 1 or any(line[-1:] in (" ", "\t") for line in body.split("\n")):
        return None
    return "|" if trailing == 1 else "|-"


def _string_value(out: list[str], head: str, text: str, indent: int) -> None:
    header = _block(text)
    if header is None:
        out.append(f"{head} {scalar(text)}")
        return
    out.append(f"{head} {header}")
    pad = " " * (indent + 2)
    out.extend(pad + line if line else "" for line in text.rstrip("\n").split("\n"))


def _mapping(out: list[str], data: dict[Any, Any], indent: int, first: str | None) -> None:
    """Keys at `indent`; `first` replaces the first key's indentation (after a '- ')."""
    pad = " " * indent
    for index, (key, value) in enumerate(data.items()):
        lead = first if (first is not None and index == 0) else pad
        head = f"{lead}{scalar(str(key))}:"
        if isinstance(value, dict) and value:
            out.append(head)
            _mapping(out, value, indent + 2, None)
        elif isinstance(value, list | tuple) and value:
            out.append(head)
            _sequence(out, value, indent)  # kubectl: items at the key's indentation
        elif isinstance(value, str):
            _string_value(out, head, value, indent)
        else:
            out.append(f"{head} {scalar(value)}")


def _sequence(out: list[str], items: Any, indent: int) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            _mapping(out, item, indent + 2, pad + "- ")
        elif isinstance(item, list | tuple) and item:
            out.append(pad + "-")
            _sequence(out, item, indent + 2)
        elif isinstance(item, str):
            _string_value(out, pad + "-", item, indent)
        else:
            out.append(f"{pad}- {scalar(item)}")


def to_yaml(data: Any) -> str:
    """The whole document, ending in a newline."""
    out: list[str] = []
    if isinstance(data, dict) and data:
        _mapping(out, data, 0, None)
    elif isinstance(data, list | tuple) and data:
        _sequence(out, data, 0)
    else:
        out.append(scalar(data))
    return "\n".join(out) + "\n"
