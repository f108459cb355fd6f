"""The `--custom` partial container spec: parse, validate and merge it like kubectl does.

kubectl reads a JSON or YAML partial `Container`, refuses name, command, image, lifecycle and
volumeDevices ("not modifiable via custom profile"), then strategic-merges it into the debug
container after the profile has been applied. We do the same, and additionally refuse, before
anything is sent, the fields the API server rejects for ephemeral containers, so the user gets
the reason in the form instead of a 422 after a round trip.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

import yaml

# Every field of core/v1 Container (kubectl unmarshals into that type; anything else is dropped).
CONTAINER_FIELDS = frozenset(
    {
        "name", "image", "command", "args", "workingDir", "ports", "envFrom", "env",
        "resources", "resizePolicy", "restartPolicy", "volumeMounts", "volumeDevices",
        "livenessProbe", "readinessProbe", "startupProbe", "lifecycle",
        "terminationMessagePath", "terminationMessagePolicy", "imagePullPolicy",
        "securityContext", "stdin", "stdinOnce", "tty",
    }
)  # fmt: skip

# kubectl debug: "name, command, image, lifecycle and volume devices are not modifiable via
# custom profile".
NOT_MODIFIABLE = ("name", "command", "image", "lifecycle", "volumeDevices")
KUBECTL_NOT_MODIFIABLE_MESSAGE = (
    "name, command, image, lifecycle and volume devices are not modifiable via custom profile"
)

# The API server's validation for ephemeral containers: "Forbidden: cannot be set for an
# Ephemeral Container".
EPHEMERAL_FORBIDDEN = (
    "ports",
    "resources",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "resizePolicy",
    "restartPolicy",
)
EPHEMERAL_FORBIDDEN_MOUNT_FIELDS = ("subPath", "subPathExpr")

# Strategic merge keys of core/v1 Container lists (patchMergeKey); other lists are replaced.
_MERGE_KEYS = {
    "env": "name",
    "ports": "containerPort",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "resizePolicy": "resourceName",
}


class CustomSpecError(ValueError):
    """The custom spec cannot be used; `problems` lists every reason, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class CustomSpec:
    """A validated partial container spec and what was dropped or worth knowing."""

    spec: dict[str, Any]
    warnings: tuple[str, ...] = field(default=())


def parse_custom_spec(text: str) -> dict[str, Any]:
    """JSON first, then YAML (kubectl's order); the document must be a mapping."""
    stripped = text.strip()
    if not stripped:
        return {}
    try:
        data = json.loads(stripped)
    except ValueError:
        try:
            data = yaml.safe_load(stripped)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise CustomSpecError(
                [f"the custom spec is neither valid JSON nor valid YAML{where}: {problem}"]
            ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CustomSpecError(
            [f"the custom spec must be a mapping of container fields, not a {type(data).__name__}"]
        )
    return data


def forbidden_fields(spec: dict[str, Any], *, ephemeral: bool) -> list[str]:
    """One sentence per field that may not be sent (kubectl's rule, then the API server's)."""
    problems: list[str] = []
    for key in NOT_MODIFIABLE:
        value = spec.get(key)
        present = value not in (None, "", [], {}) if key != "lifecycle" else key in spec
        if present and value is not None:
            problems.append(
                f"{key}: may not be set in a custom spec ({KUBECTL_NOT_MODIFIABLE_MESSAGE})"
            )
    if ephemeral:
        for key in EPHEMERAL_FORBIDDEN:
            if key in NOT_MODIFIABLE:
                continue
            if spec.get(key) not in (None, "", [], {}):
                problems.append(f"{key}: cannot be set for an ephemeral container")
        for index, mount in enumerate(spec.get("volumeMounts") or []):
            if not isinstance(mount, dict):
                continue
            for key in EPHEMERAL_FORBIDDEN_MOUNT_FIELDS:
                if mount.get(key):
                    problems.append(
                        f"volumeMounts[{index}].{key}: cannot be set for an ephemeral container"
                    )
    return problems


_LIST_OF_MAPS = ("ports", "envFrom", "env", "volumeMounts", "volumeDevices", "resizePolicy")
_LIST_OF_STRINGS = ("command", "args")
_MAPS = ("resources", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle",
         "securityContext")  # fmt: skip
_STRINGS = ("name", "image", "workingDir", "terminationMessagePath", "terminationMessagePolicy",
            "imagePullPolicy", "restartPolicy")  # fmt: skip
_BOOLS = ("stdin", "stdinOnce", "tty")


def shape_problems(spec: dict[str, Any]) -> list[str]:
    """Fields whose value has the wrong JSON type for a Container (kubectl's unmarshal error)."""
    problems: list[str] = []

    def bad(key: str, expected: str, value: Any) -> None:
        problems.append(f"{key}: must be {expected}, not {type(value).__name__}")

    for key, value in spec.items():
        if not isinstance(key, str):
            problems.append(f"field names must be text, not {type(key).__name__} {key!r:.40}")
            continue
        if value is None:
            continue
        if key in _LIST_OF_MAPS or key in _LIST_OF_STRINGS:
            item_type, item_name = (dict, "a mapping") if key in _LIST_OF_MAPS else (str, "text")
            if not isinstance(value, list):
                bad(key, f"a list (of {item_name}s)", value)
            else:
                for index, item in enumerate(value):
                    if not isinstance(item, item_type):
                        bad(f"{key}[{index}]", item_name, item)
        elif key in _MAPS and not isinstance(value, dict):
            bad(key, "a mapping", value)
        elif key in _STRINGS and not isinstance(value, str):
            bad(key, "text", value)
        elif key in _BOOLS and not isinstance(value, bool):
            bad(key, "true or false", value)
    return problems


def validate_custom_spec(data: dict[str, Any] | str, *, ephemeral: bool) -> CustomSpec:
    """Parse if needed, refuse wrongly shaped and forbidden fields, drop unknown ones with a
    warning."""
    spec = parse_custom_spec(data) if isinstance(data, str) else copy.deepcopy(data)
    problems = shape_problems(spec)
    if problems:
        raise CustomSpecError(problems)
    problems = forbidden_fields(spec, ephemeral=ephemeral)
    if problems:
        raise CustomSpecError(problems)
    warnings: list[str] = []
    unknown = sorted(key for key in spec if key not in CONTAINER_FIELDS)
    for key in unknown:
        del spec[key]
    if unknown:
        warnings.append(
            "ignored fields that are not part of a container spec: " + ", ".join(unknown)
        )
    for key in ("name", "command", "image", "lifecycle", "volumeDevices"):
        spec.pop(key, None)  # empty values kubectl tolerates; never merge them
    return CustomSpec(spec=spec, warnings=tuple(warnings))


def merge_into_container(container: dict[str, Any], custom: dict[str, Any]) -> dict[str, Any]:
    """Strategic-merge `custom` into `container` (a new dict; the name never changes)."""
    merged = _merge_map(container, custom, path=())
    merged["name"] = container["name"]
    return merged


def _merge_map(original: dict[str, Any], patch: dict[str, Any], path: tuple[str, ...]) -> dict:
    result = copy.deepcopy(original)
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
            continue
        current = result.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            result[key] = _merge_map(current, value, (*path, key))
        elif isinstance(value, list) and isinstance(current, list) and not path:
            merge_key = _MERGE_KEYS.get(key)
            result[key] = (
                _merge_list(current, value, merge_key) if merge_key else copy.deepcopy(value)
            )
        else:
            result[key] = copy.deepcopy(value)
    return result


def _merge_list(original: list[Any], patch: list[Any], merge_key: str) -> list[Any]:
    result = [copy.deepcopy(item) for item in original]
    for item in patch:
        if not isinstance(item, dict) or merge_key not in item:
            result.append(copy.deepcopy(item))
            continue
        for index, existing in enumerate(result):
            if isinstance(existing, dict) and existing.get(merge_key) == item[merge_key]:
                result[index] = _merge_map(existing, item, ())
                break
        else:
            result.append(copy.deepcopy(item))
    return result
