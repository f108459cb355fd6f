"""Pure helpers behind the debug form: parsing what was typed, and the words we show.

Kept free of widgets so each rule (argv parsing, env lines, --set-image pairs, what a
privileged choice grants, what looks like a secret, how a refusal is explained) is testable
on its own and reads in one place.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

from kdebug_tui.kube.profiles import PROFILE_SUMMARIES

IMAGE_PRESETS_FALLBACK = (
    "busybox:1.36",
    "nicolaka/netshoot",
    "alpine:3.20",
    "ubuntu:24.04",
    "eclipse-temurin:21-jdk",
)

PROFILE_GRANTS: dict[str, str] = {
    "sysadmin": (
        "sysadmin runs the debugger privileged: full access to the node's devices and kernel "
        "(it can load modules, mount filesystems, read every process's memory)"
    ),
    "netadmin": (
        "netadmin adds NET_ADMIN and NET_RAW: the debugger can change the pod's network "
        "(routes, iptables, interfaces) and capture or forge packets"
    ),
}
NODE_GRANTS = (
    "node mode creates a pod pinned to the node, tolerating every taint; with legacy, "
    "general, netadmin and sysadmin it shares the node's network, PID and IPC namespaces "
    "(it sees and can signal every process on the node)"
)
HOST_ROOT_GRANTS = (
    "the node's root filesystem is mounted read-write at /host: the debugger can read "
    "secrets of every pod on the node and change the node itself"
)
REPLACE_GRANTS = (
    "--replace deletes the original pod once the copy is created; a pod without a "
    "controller is gone for good"
)

LOGS_NOTE = (
    "Note: everything you type while attached is recorded in the container's logs "
    "(kubectl attach says the same)."
)
SPEC_NOTE = "Command and environment stay in the pod spec for the pod's lifetime."

_SECRET_NAME = re.compile(
    r"(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|auth)", re.I
)
_SECRET_VALUE = re.compile(
    r"(-----BEGIN [A-Z ]*PRIVATE KEY|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{20,}|"
    r"\bxox[abprs]-[A-Za-z0-9-]{10,}|\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})"
)


class FieldError(ValueError):
    """A field's text cannot be used; `field` names the form field for the inline message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_command(text: str) -> list[str]:
    """The command as argv (shell-like quoting); never sent as a shell string."""
    try:
        return shlex.split(text)
    except ValueError as exc:  # unbalanced quotes
        raise FieldError("command", f"command: {exc}") from None


def parse_env(text: str) -> list[tuple[str, str]]:
    """KEY=VALUE per line; blank lines and lines starting with # are skipped."""
    pairs: list[tuple[str, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key:
            raise FieldError("env", f"env line {number}: expected KEY=VALUE, got {line!r}")
        if not re.fullmatch(r"[-._a-zA-Z][-._a-zA-Z0-9]*", key):
            raise FieldError("env", f"env line {number}: {key!r} is not a valid variable name")
        pairs.append((key, value))
    return pairs


def parse_set_image(text: str) -> dict[str, str]:
    """`name=image` pairs separated by commas or spaces (`*=image` means every container)."""
    result: dict[str, str] = {}
    for item in re.split(r"[,\s]+", text.strip()):
        if not item:
            continue
        name, sep, image = item.partition("=")
        if not sep or not name or not image:
            raise FieldError("set-image", f"set image: expected name=image, got {item!r}")
        result[name] = image
    return result


def secret_warnings(command: list[str], env: list[tuple[str, str]]) -> list[str]:
    """Warnings for env names or values and command words that look like credentials."""
    warnings: list[str] = []
    for key, value in env:
        if _SECRET_NAME.search(key) or _SECRET_VALUE.search(value):
            warnings.append(
                f"env {key} looks like a secret: it stays readable in the pod spec "
                "(kubectl get pod -o yaml) for the pod's lifetime"
            )
    for word in command:
        if _SECRET_VALUE.search(word) or (
            "=" in word and _SECRET_NAME.search(word.split("=", 1)[0])
        ):
            warnings.append(
                "the command contains what looks like a secret: it stays readable in the "
                "pod spec for the pod's lifetime"
            )
            break
    return warnings


def profile_description(profile: str) -> str:
    return PROFILE_SUMMARIES.get(profile, "")


@dataclass(frozen=True)
class Privilege:
    """One privileged choice and the sentence that says what it grants."""

    key: str
    grants: str


def privileged_choices(
    *, mode: str, profile: str, replace: bool, custom: dict[str, Any] | None
) -> list[Privilege]:
    """What in the request needs an explicit yes before it is sent."""
    found: list[Privilege] = []
    if profile in PROFILE_GRANTS:
        found.append(Privilege(profile, PROFILE_GRANTS[profile]))
    if mode == "node":
        found.append(Privilege("node", NODE_GRANTS))
        if profile in ("legacy", "general", "sysadmin"):
            found.append(Privilege("host-root", HOST_ROOT_GRANTS))
    if mode == "copy" and replace:
        found.append(Privilege("replace", REPLACE_GRANTS))
    context = (custom or {}).get("securityContext") or {}
    if isinstance(context, dict):
        if context.get("privileged"):
            found.append(
                Privilege(
                    "custom-privileged",
                    "the custom spec sets privileged: full access to the node's devices",
                )
            )
        added = (context.get("capabilities") or {}).get("add") or []
        if added and isinstance(added, list):
            caps = ", ".join(str(c) for c in added)
            found.append(Privilege("custom-caps", f"the custom spec adds capabilities: {caps}"))
    return found


def role_snippet(verb: str, resource: str, namespace: str | None) -> str:
    """A Role an admin could apply to grant the missing permission (shown, never applied)."""
    group, _, sub = resource.partition("/")
    resources = resource if sub else group
    lines = [
        "apiVersion: rbac.authorization.k8s.io/v1",
        "kind: Role",
        "metadata:",
        "  name: kdebug-tui-debugger",
    ]
    if namespace:
        lines.append(f"  namespace: {namespace}")
    lines += [
        "rules:",
        '- apiGroups: [""]',
        f'  resources: ["{resources}"]',
        f'  verbs: ["{verb}"]',
    ]
    return "\n".join(lines)


_RBAC = re.compile(r'cannot (?P<verb>[\w-]+) resource "(?P<resource>[^"]+)"')
_SUBRESOURCE = re.compile(r'subresource "(?P<sub>[^"]+)"')
_PSA_LEVEL = re.compile(r'violates PodSecurity "(?P<level>[a-z]+)')


def explain_error(error: Any, *, namespace: str | None, mode: str) -> tuple[list[str], str]:
    """Lines explaining a submit failure, and an offer ("copy" or "") the form can act on.

    `error` is a KubeError; its title/message/causes are already sanitised by kube.errors.
    """
    status = getattr(error, "status", None)
    lines = [f"{error.title}: {error.message}" if error.message else str(error.title)]
    offer = ""
    text = getattr(error, "full_text", "") or error.message
    if status == 422 and error.causes:
        lines = [f"{error.title}: the API server rejected the request:"]
        lines += [f"  • {cause}" for cause in error.causes]
    elif status == 403 and "PodSecurity" in text:
        match = _PSA_LEVEL.search(text)
        level = match["level"] if match else "restricted"
        fit = "restricted" if level == "restricted" else "baseline"
        lines.append(
            f"The namespace enforces the {level} Pod Security level: choose the "
            f"'{fit}' profile, which fits it."
        )
    elif status == 403:
        match = _RBAC.search(text)
        if match:
            sub = _SUBRESOURCE.search(text)
            resource = match["resource"] + (f"/{sub['sub']}" if sub else "")
            verb = match["verb"]
            lines.append(f"Missing permission: {verb} on {resource}. An admin can grant it with:")
            lines += role_snippet(verb, resource, namespace).splitlines()
    elif status == 404 and mode == "ephemeral" and "ephemeral" in (error.message or "").lower():
        lines.append("Debugging a copy of the pod works without ephemeral containers.")
        offer = "copy"
    if error.hint and status != 422:
        lines.append(f"Hint: {error.hint}")
    return lines, offer
