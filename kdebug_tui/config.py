"""User settings: `$XDG_CONFIG_HOME/kdebug-tui/config.yaml` (or `--config FILE`).

Only our own settings live here. The kubeconfig is the user's and is never written.
A bad file is an error with the file name and the offending key, never a traceback, and
never silently ignored: a typo in `readonly: ture` must not leave a cluster writable.

Example::

    images: [busybox:1.36, nicolaka/netshoot]   # presets offered by the debug form
    default_profile: general                     # kubectl debug --profile
    default_namespace: shop
    readonly: false
    refresh_rate: 10                             # table repaints per second, at most
    keymap:                                      # binding id -> keys (comma separated)
      pods.debug: ctrl+g
    recording_max_mb: 50                         # each session recording stops at this size
    recording_keep_days: 14                      # older recordings are deleted at start
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_IMAGES: tuple[str, ...] = (
    "busybox:1.36",
    "nicolaka/netshoot",
    "alpine:3.20",
    "ubuntu:24.04",
    "eclipse-temurin:21-jdk",
)
PROFILES: tuple[str, ...] = ("legacy", "general", "baseline", "restricted", "netadmin", "sysadmin")
# A binding id is dotted words; keys are Textual key names, comma separated.
_BINDING_ID = re.compile(r"^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$")
_KEY = re.compile(r"^[A-Za-z0-9_+\-]+$")
# RFC 1123 label: what a namespace name must be.
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


class ConfigError(Exception):
    """The settings file is unreadable or invalid; the message names the file and the key."""


@dataclass(frozen=True)
class Settings:
    images: tuple[str, ...] = DEFAULT_IMAGES
    default_profile: str = "general"
    default_namespace: str | None = None
    readonly: bool = False
    keymap: dict[str, str] = field(default_factory=dict)
    refresh_rate: float = 10.0
    recording_max_mb: float = 50.0
    recording_keep_days: float = 14.0
    source: Path | None = None  # the file these came from, if any


def default_config_path(environ: dict[str, str] | None = None) -> Path:
    """`$XDG_CONFIG_HOME/kdebug-tui/config.yaml`, XDG's default being `~/.config`."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "kdebug-tui" / "config.yaml"


def load_settings(path: Path | str | None = None, *, explicit: bool = False) -> Settings:
    """Read settings from `path` (default: the XDG location).

    A missing default file means defaults; a missing file named with `--config`
    (`explicit=True`) is an error, since the user asked for that file.
    """
    file = Path(path) if path is not None else default_config_path()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"{file}: no such file") from None
        return Settings()
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read: {exc.strerror or exc}") from None
    return parse_settings(text, source=file)


def parse_settings(text: str, *, source: Path | None = None) -> Settings:
    where = str(source) if source else "config"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{where}: not valid YAML{at}: {problem}") from None
    if data is None:
        return Settings(source=source)
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping of settings, got {_kind(data)}")
    return _validate(data, where, source)


_KNOWN = (
    "images",
    "default_profile",
    "default_namespace",
    "readonly",
    "keymap",
    "refresh_rate",
    "recording_max_mb",
    "recording_keep_days",
)
# Bounds of the recording settings: a cap under 1 MB would cut a session at its first
# screenful of logs; a recording is never kept for less than a day (an incident is exported
# the same day at the earliest) nor for more than ten years.
_RECORDING_BOUNDS = {"recording_max_mb": (1, 100_000), "recording_keep_days": (1, 3650)}


def _validate(data: dict[Any, Any], where: str, source: Path | None) -> Settings:
    for key in data:
        if key not in _KNOWN:
            close = difflib.get_close_matches(str(key), _KNOWN, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(_KNOWN)})"
            raise ConfigError(f"{where}: unknown setting {key!r}{hint}")
    values: dict[str, Any] = {"source": source}
    if "images" in data:
        images = data["images"]
        if not isinstance(images, list) or not images:
            raise ConfigError(f"{where}: images: expected a non-empty list of image names")
        for i, image in enumerate(images):
            if not isinstance(image, str) or not image.strip() or any(c.isspace() for c in image):
                raise ConfigError(f"{where}: images[{i}]: {image!r} is not an image name")
        values["images"] = tuple(dict.fromkeys(images))
    if "default_profile" in data:
        profile = data["default_profile"]
        if profile not in PROFILES:
            raise ConfigError(
                f"{where}: default_profile: {profile!r} is not one of {', '.join(PROFILES)}"
            )
        values["default_profile"] = profile
    if data.get("default_namespace") is not None:
        ns = data["default_namespace"]
        if not isinstance(ns, str) or not _NAMESPACE.match(ns):
            raise ConfigError(f"{where}: default_namespace: {ns!r} is not a namespace name")
        values["default_namespace"] = ns
    if "readonly" in data:
        if not isinstance(data["readonly"], bool):
            raise ConfigError(
                f"{where}: readonly: expected true or false, got {data['readonly']!r}"
            )
        values["readonly"] = data["readonly"]
    if "refresh_rate" in data:
        rate = data["refresh_rate"]
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 1 <= rate <= 60:
            raise ConfigError(
                f"{where}: refresh_rate: expected a number from 1 to 60, got {rate!r}"
            )
        values["refresh_rate"] = float(rate)
    if data.get("keymap") is not None:
        values["keymap"] = _keymap(data["keymap"], where)
    for key, (low, high) in _RECORDING_BOUNDS.items():
        if key in data:
            number = data[key]
            if isinstance(number, bool) or not isinstance(number, int | float):
                number = None
            if number is None or not low <= number <= high:
                raise ConfigError(
                    f"{where}: {key}: expected a number from {low} to {high}, got {data[key]!r}"
                )
            values[key] = float(number)
    return Settings(**values)


def _keymap(keymap: Any, where: str) -> dict[str, str]:
    if not isinstance(keymap, dict):
        raise ConfigError(f"{where}: keymap: expected a mapping of binding id to keys")
    result: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        if not isinstance(binding_id, str) or not _BINDING_ID.match(binding_id):
            raise ConfigError(
                f"{where}: keymap: {binding_id!r} is not a binding id like pods.debug"
            )
        parts = [k.strip() for k in keys.split(",")] if isinstance(keys, str) else []
        if not parts or not all(_KEY.match(k) for k in parts):
            raise ConfigError(
                f"{where}: keymap.{binding_id}: {keys!r} is not a key list like 'ctrl+g' or 'x,f5'"
            )
        result[binding_id] = ",".join(parts)
    return result


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )
