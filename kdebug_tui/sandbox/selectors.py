"""Label and field selectors as the API server parses them (`=`, `==`, `!=`, set forms)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kdebug_tui.sandbox.errors import bad_request

Matcher = Callable[[dict[str, Any]], bool]

POD_FIELDS = {
    "metadata.name",
    "metadata.namespace",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
}
EVENT_FIELDS = {
    "metadata.name",
    "metadata.namespace",
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
}
SIMPLE_FIELDS = {"metadata.name", "metadata.namespace"}
FIELDS_BY_RESOURCE = {"pods": POD_FIELDS, "events": EVENT_FIELDS}


def _split_top(text: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


_SET_RE = re.compile(r"^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$")


LabelTest = Callable[[dict[str, str]], bool]


def _in_set(key: str, values: set[str], inside: bool) -> LabelTest:
    return lambda labels: (labels.get(key) in values) == inside


def _equals(key: str, value: str, equal: bool) -> LabelTest:
    return lambda labels: (labels.get(key) == value) == equal


def _exists(key: str, present: bool) -> LabelTest:
    return lambda labels: (key in labels) == present


def parse_label_selector(text: str | None) -> Matcher:
    if not text:
        return lambda obj: True
    tests: list[LabelTest] = []
    for part in _split_top(text):
        m = _SET_RE.match(part)
        if m:
            key, op, raw = m.group(1), m.group(2), m.group(3)
            values = {v.strip() for v in raw.split(",") if v.strip()}
            tests.append(_in_set(key, values, op == "in"))
            continue
        if "!=" in part:
            key, value = (s.strip() for s in part.split("!=", 1))
            tests.append(_equals(key, value, False))
        elif "==" in part or "=" in part:
            sep = "==" if "==" in part else "="
            key, value = (s.strip() for s in part.split(sep, 1))
            tests.append(_equals(key, value, True))
        elif part.startswith("!"):
            tests.append(_exists(part[1:].strip(), False))
        elif re.fullmatch(r"[\w./-]+", part):
            tests.append(_exists(part, True))
        else:
            raise bad_request(f"unable to parse requirement: {part}")

    def match(obj: dict[str, Any]) -> bool:
        labels = (obj.get("metadata") or {}).get("labels") or {}
        return all(t(labels) for t in tests)

    return match


def field_value(obj: dict[str, Any], path: str) -> str:
    if path == "source":
        return str((obj.get("source") or {}).get("component", ""))
    node: Any = obj
    for key in path.split("."):
        if not isinstance(node, dict):
            return ""
        node = node.get(key)
    if node is None:
        return ""
    if isinstance(node, bool):
        return "true" if node else "false"
    return str(node)


def parse_field_selector(text: str | None, resource: str) -> Matcher:
    if not text:
        return lambda obj: True
    allowed = FIELDS_BY_RESOURCE.get(resource, SIMPLE_FIELDS)
    tests: list[tuple[str, bool, str]] = []
    for part in _split_top(text):
        if "!=" in part:
            key, value = part.split("!=", 1)
            equal = False
        elif "==" in part:
            key, value = part.split("==", 1)
            equal = True
        elif "=" in part:
            key, value = part.split("=", 1)
            equal = True
        else:
            raise bad_request(f"invalid selector: '{text}'; can't understand '{part}'")
        key = key.strip()
        if key not in allowed:
            raise bad_request(f"field label not supported: {key}")
        tests.append((key, equal, value.strip()))

    def match(obj: dict[str, Any]) -> bool:
        return all((field_value(obj, k) == v) == eq for k, eq, v in tests)

    return match
