"""What a container runs: its argv resolved on this machine, and its environment."""

from __future__ import annotations

import os
import shutil

from kdebug_tui.sandbox.busybox import applet_dir
from kdebug_tui.sandbox.images import ImageSpec
from kdebug_tui.sandbox.runtime_types import ContainerLaunch
from kdebug_tui.sandbox.staging import shared_path

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def _busybox_bin() -> str | None:
    """The directory of busybox-behaving shims (e.g. `ps` listing every process), if usable.

    An install may drop the executable bit of package data; restore it rather than lose
    busybox's behaviour, and do without the shims if that is not allowed."""
    shim = shared_path("data/busybox-bin/ps")
    if not shim.is_file():
        return None
    if not os.access(shim, os.X_OK):
        try:
            shim.chmod(0o755)
        except OSError:
            return None
    return str(shim.parent)


def resolve_command(
    image: ImageSpec,
    command: list[str] | None,
    args: list[str] | None,
    env: dict[str, str],
) -> tuple[list[str], str | None]:
    """(argv on this machine, None) or ([], the executable that does not exist)."""
    if command:
        argv = list(command) + list(args or [])
    elif args:
        # args replace the image's CMD and follow its ENTRYPOINT: shell images have only a
        # CMD (busybox: ["sh"]), so `kubectl run x --image=busybox -- sleep 1d` runs sleep
        entrypoint = image.default_command[:1] if image.kind == "program" else []
        argv = list(entrypoint) + list(args)
    else:
        argv = list(image.default_command)
    return resolve_argv(image, argv, env)


def resolve_argv(
    image: ImageSpec, argv: list[str], env: dict[str, str]
) -> tuple[list[str], str | None]:
    """Shell images find programs on this machine's PATH (busybox-like); a distroless
    program image has nothing but its own entrypoint."""
    if not argv or not argv[0]:
        return [], ""
    exe = argv[0]
    if image.kind == "program":
        prog = image.executables.get(exe)
        return ([*prog, *argv[1:]], None) if prog else ([], exe)
    path = env.get("PATH", DEFAULT_PATH)
    applets = applet_dir() if image.busybox else None
    if applets and "/" not in exe and os.path.lexists(os.path.join(applets, exe)):
        return list(argv), None  # keeps its bare name, as `ps` shows it in a real container
    found = shutil.which(exe, path=path) if "/" not in exe else (
        exe if os.access(exe, os.X_OK) and os.path.isfile(exe) else None)  # fmt: skip
    return ([found, *argv[1:]], None) if found else ([], exe)


def environment(launch: ContainerLaunch, image: ImageSpec) -> dict[str, str]:
    """What a container process sees: the image's defaults, then the pod spec's env."""
    env = {"PATH": DEFAULT_PATH, "HOSTNAME": launch.pod_name, "HOME": "/root"}
    if image.kind == "shell":
        env["ENV"] = str(shared_path("data/shrc"))  # busybox's "/ # " prompt in interactive shells
        shims = (applet_dir() if image.busybox else None) or _busybox_bin()
        if shims:
            env["PATH"] = f"{shims}:{DEFAULT_PATH}"
    if launch.tty:
        env["TERM"] = "xterm"
    env.update(launch.env)
    return env
