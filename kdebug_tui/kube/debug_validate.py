"""Checks on a debug request before anything is built: kubectl's own validation, with its
wording, so a request kubectl would refuse is refused here the same way."""

from __future__ import annotations

import re

from .debug_request import DebugRequest
from .errors import KubeError
from .profiles import PROFILES

MODES = ("ephemeral", "copy", "node")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")

# distribution/reference's ReferenceRegexp (what kubectl validates --image and --set-image with).
_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}"
_REFERENCE = re.compile(
    rf"^(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*(?::{_TAG})?(?:@{_DIGEST})?$"
)

TARGET_WARNING = (
    'Targeting container "{target}". If you don\'t see processes from this container it may '
    "be because the container runtime doesn't support this feature."
)
LEGACY_WARNING = (
    "Legacy profile is planned to be deprecated in the near future. It is recommended to "
    'specify other profiles such as "--profile=general".'
)


class InvalidDebugRequest(KubeError):
    """The request cannot be built (kubectl would refuse it before calling the API too)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__("Invalid debug request", message, reason="InvalidRequest", hint=hint)


_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def is_valid_image(image: str) -> bool:
    return bool(_REFERENCE.match(image))


def change_target(request: DebugRequest) -> str | None:
    return request.copy_options.change_container or (
        request.container_name if request.mode == "copy" else None
    )


def validate(request: DebugRequest) -> None:
    """kubectl's own checks (its Validate), with its wording where it has one."""
    if request.mode not in MODES:
        raise InvalidDebugRequest(f"unknown mode {request.mode!r} (one of {', '.join(MODES)})")
    if not request.namespace:
        raise InvalidDebugRequest("a namespace is required")
    opts = request.copy_options
    if request.mode == "node":
        if not request.node_name:
            raise InvalidDebugRequest("a node name is required to debug a node")
    elif not request.pod_name:
        raise InvalidDebugRequest("a pod name is required")
    if request.mode == "copy":
        if not request.image and not opts.set_image and not request.command:
            raise InvalidDebugRequest("you must specify --image, --set-image or command arguments.")
        if request.command and not change_target(request) and not request.image:
            raise InvalidDebugRequest(
                "you must specify an existing container or a new image when specifying args."
            )
        if request.target:
            raise InvalidDebugRequest(
                "--target is incompatible with --copy-to. Use --share-processes instead."
            )
    elif not request.image:
        raise InvalidDebugRequest("you must specify --image when not using --copy-to.")
    if request.image and not is_valid_image(request.image):
        raise InvalidDebugRequest(f'invalid image name "{request.image}": invalid reference format')
    if request.image_pull_policy and request.image_pull_policy not in PULL_POLICIES:
        raise InvalidDebugRequest(f"invalid image pull policy: {request.image_pull_policy}")
    for name, image in opts.set_image.items():
        if not is_valid_image(image):
            raise InvalidDebugRequest(
                f'invalid image name "{image}" for container "{name}": invalid reference format'
            )
    if request.container_name and not (
        len(request.container_name) <= 63 and _DNS_LABEL.match(request.container_name)
    ):
        raise InvalidDebugRequest(
            f"invalid container name {request.container_name!r}: use at most 63 lower-case "
            "letters, digits and '-', starting and ending with a letter or digit",
        )
    copy_to = request.copy_options.copy_to if request.mode == "copy" else None
    if copy_to and not (len(copy_to) <= 253 and _DNS_SUBDOMAIN.match(copy_to)):
        raise InvalidDebugRequest(
            f"invalid pod name {copy_to!r} for the copy: use lower-case letters, digits, '-' "
            "and '.', starting and ending with a letter or digit",
        )
    if request.tty and not request.stdin:
        raise InvalidDebugRequest("-i/--stdin is required for containers with -t/--tty=true")
    if request.profile not in PROFILES:
        raise InvalidDebugRequest(
            f"unknown profile: {request.profile}", hint="options are " + ", ".join(PROFILES)
        )
    for var in request.env:
        if not var.name:
            raise InvalidDebugRequest("environment variables need a name")
