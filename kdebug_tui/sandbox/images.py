"""The sandbox's image catalogue: which image names run what, and how pulls fail.

There is no registry here. Shell images run the host's own programs (busybox-like), images
under `kdebug.local/` run the demo's own small Python programs (distroless: nothing else is
in them), and every other name fails to pull with the kubelet's message text, so the UI
meets the same ErrImagePull / ImagePullBackOff it would meet on a real cluster.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kdebug_tui.sandbox.staging import shared_path

PROGRAMS_DIR = Path(__file__).resolve().parent / "programs"

# Image name prefixes (repository part, without tag) that carry a shell and the usual tools.
_SHELL_REPOS = (
    "busybox",
    "alpine",
    "nicolaka/netshoot",
    "ubuntu",
    "debian",
    "eclipse-temurin",
    "openjdk",
)

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


def _is_shell_repo(repo: str) -> bool:
    """busybox, alpine, ... by name, also behind a mirror (gcr.io/x/openjdk), and */jdk*."""
    short = repo.removeprefix("library/")
    last = short.rsplit("/", 1)[-1]
    for known in _SHELL_REPOS:
        if short.startswith(known) or ("/" not in known and last.startswith(known)):
            return True
    return "/jdk" in "/" + short


def pull_error_message(image: str) -> str:
    """The kubelet's ErrImagePull message for an image no registry has."""
    registry, repo, tag = split_reference(image)
    ref = image if registry != "docker.io" else normalize(image)
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
    if registry != DEMO_REGISTRY and _is_shell_repo(repo):
        return ImageSpec(
            ref=image,
            resolved=resolved,
            image_id=f"{registry}/{repo}@sha256:{_digest(resolved)}",
            kind="shell",
            default_command=["sh"],
            user=0,
        )
    return ImageSpec(image, image, "", "missing", pull_error=pull_error_message(image))
