"""The sandbox's image catalogue: which image names run what, and how pulls fail.

There is no registry here, only a catalogue: a few shell images on docker.io with the tags
they really have (busybox and alpine run the machine's busybox applets, the others the host's
own programs), and images under `kdebug.local/` that run the demo's own small Python programs
(distroless: nothing else is in them). Every other name, tag or registry fails to pull with
the kubelet's message text (NotFound for a tag the repository lacks, as recorded in
fixtures/real-cluster/kubectl-transcript-v1.24.txt), so the UI meets the same ErrImagePull /
ImagePullBackOff it would meet on a real cluster.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kdebug_tui.sandbox.busybox import is_busybox_image
from kdebug_tui.sandbox.staging import shared_path

PROGRAMS_DIR = Path(__file__).resolve().parent / "programs"

# (registry, repository) -> the tags the catalogue has; all carry a shell and the usual tools.
_SHELL_IMAGES: dict[tuple[str, str], frozenset[str]] = {
    ("docker.io", "library/busybox"): frozenset(
        ("1.35", "1.36", "1.36.1", "1.37", "latest", "stable", "musl", "glibc", "uclibc")
    ),
    ("docker.io", "library/alpine"): frozenset(
        ("3", "3.18", "3.19", "3.20", "3.21", "edge", "latest")
    ),
    ("docker.io", "nicolaka/netshoot"): frozenset(("latest", "v0.11", "v0.12", "v0.13")),
    ("docker.io", "library/ubuntu"): frozenset(("22.04", "24.04", "jammy", "noble", "latest")),
    ("docker.io", "library/debian"): frozenset(
        ("11", "12", "bookworm", "bookworm-slim", "bullseye", "stable-slim", "latest")
    ),
    ("docker.io", "library/eclipse-temurin"): frozenset(
        ("17", "21", "17-jdk", "21-jdk", "17-jre", "21-jre", "latest")
    ),
    ("docker.io", "library/openjdk"): frozenset(("17", "21", "latest")),
    ("mcr.microsoft.com", "openjdk/jdk"): frozenset(("17-ubuntu", "21-ubuntu")),
}

# kdebug.local/<name> -> (program file, path of the entrypoint inside the "image").
_PROGRAMS: dict[str, tuple[str, str]] = {
    "distroless-web": ("web.py", "/app/web"),
    "worker": ("worker.py", "/app/worker"),
    "job": ("job.py", "/app/job"),
}

NONROOT_UID = 65532  # distroless "nonroot" user
DEMO_REGISTRY = "kdebug.local"


@dataclass(frozen=True)
class ImageSpec:
    """What the runtime needs to know about an image after "pulling" it."""

    ref: str  # as written in the pod spec
    resolved: str  # what the kubelet reports in status.image
    image_id: str  # status.imageID ("" when the pull failed)
    kind: Literal["shell", "program", "missing"]
    default_command: list[str] = field(default_factory=list)
    # for programs: entrypoint path inside the image -> argv on this machine
    executables: dict[str, list[str]] = field(default_factory=dict)
    user: int = 0
    group: int = 0  # the user's group in the image's /etc/passwd
    pull_error: str | None = None
    busybox: bool = False  # runs the machine's busybox applets (busybox.py)


def split_reference(image: str) -> tuple[str, str, str]:
    """(registry, repository, tag) the way containerd normalises a reference."""
    name, _, digest = image.partition("@")
    tag = ""
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = name.rsplit(":", 1)
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        registry, repo = first, rest
    else:
        registry, repo = "docker.io", name
        if "/" not in repo:
            repo = "library/" + repo
    if digest:
        return registry, repo, "@" + digest
    return registry, repo, tag or "latest"


def normalize(image: str) -> str:
    """`busybox` -> `docker.io/library/busybox:latest` (as status.image shows it)."""
    registry, repo, tag = split_reference(image)
    sep = "" if tag.startswith("@") else ":"
    return f"{registry}/{repo}{sep}{tag}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def catalogue_tags(image: str) -> frozenset[str] | None:
    """The tags the catalogue has for `image`'s repository, or None for an unknown one."""
    registry, repo, _tag = split_reference(image)
    return _SHELL_IMAGES.get((registry, repo))


def pull_error_message(image: str) -> str:
    """The kubelet's ErrImagePull message for an image no registry has."""
    registry, repo, tag = split_reference(image)
    ref = image if registry != "docker.io" else normalize(image)
    if (registry, repo) in _SHELL_IMAGES:  # the repository exists, the tag does not
        return (
            f'rpc error: code = NotFound desc = failed to pull and unpack image "{ref}": '
            f'failed to resolve reference "{ref}": {ref}: not found'
        )
    if registry == "docker.io":
        cause = (
            "pull access denied, repository does not exist or may require authorization: "
            "server message: insufficient_scope: authorization failed"
        )
    else:
        path_tag = tag.lstrip("@") if tag.startswith("@") else tag
        cause = (
            f'failed to do request: Head "https://{registry}/v2/{repo}/manifests/{path_tag}": '
            f"dial tcp: lookup {registry} on 10.96.0.10:53: no such host"
        )
    return (
        f'rpc error: code = Unknown desc = failed to pull and unpack image "{ref}": '
        f'failed to resolve reference "{ref}": {cause}'
    )


def resolve(image: str) -> ImageSpec:
    """Look an image up in the catalogue; never raises."""
    image = image.strip()
    if not image:
        return ImageSpec(image, image, "", "missing", pull_error="image is empty")
    registry, repo, _tag = split_reference(image)
    resolved = normalize(image)
    if registry == DEMO_REGISTRY and repo in _PROGRAMS:
        filename, entry = _PROGRAMS[repo]
        argv = [sys.executable, "-S", "-u", str(shared_path(f"programs/{filename}"))]
        return ImageSpec(
            ref=image,
            resolved=resolved,
            image_id=f"{registry}/{repo}@sha256:{_digest(resolved)}",
            kind="program",
            default_command=[entry],
            executables={entry: argv, entry.rsplit("/", 1)[-1]: argv},
            user=NONROOT_UID,
            group=NONROOT_UID,
        )
    tags = _SHELL_IMAGES.get((registry, repo))
    digests = {f"@sha256:{_digest(f'{registry}/{repo}:{t}')}" for t in tags or ()}
    if tags is not None and (_tag in tags or _tag in digests):
        return ImageSpec(
            ref=image,
            resolved=resolved,
            image_id=f"{registry}/{repo}@sha256:{_digest(resolved)}",
            kind="shell",
            default_command=["sh"],
            user=0,
            busybox=is_busybox_image(repo),
        )
    return ImageSpec(image, image, "", "missing", pull_error=pull_error_message(image))
