"""Interactive credential plugins: run them on the real terminal, before the full screen.

Some exec plugins (browser or device-code logins, MFA prompts) talk to the user on the
terminal (`interactiveMode: Always`, or `IfAvailable` when they find one). Inside the
full-screen app they would scribble over the UI or wait forever on a stdin we closed, so the
app asks `needs_interactive_login` first and, if so, runs `login_on_terminal` while the
terminal is still (or again, with the app suspended) an ordinary terminal: the plugin's
stdin and stderr are the terminal, its stdout (the ExecCredential) is captured, and the
credential is handed to the session through the shared `ExecCredentials` cache. Always with
a timeout: a login nobody completes must not hang the start.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from typing import IO, Any

from .credentials import ExecCredentials
from .errors import KubeError, sanitize
from .kubeconfig import ResolvedContext, load_kubeconfig, resolve_context

LOGIN_TIMEOUT = 300.0


def _resolve(kubeconfig: str | os.PathLike[str] | None, context: str | None) -> ResolvedContext:
    return resolve_context(load_kubeconfig(kubeconfig), context)


def needs_interactive_login(
    kubeconfig: str | os.PathLike[str] | None, context: str | None = None
) -> bool:
    """True when the context's user has an exec plugin that may talk to the terminal.

    `interactiveMode: Never` plugins (and tokens, certificates) run fine inside the app."""
    resolved = _resolve(kubeconfig, context)
    spec = resolved.user.exec
    return spec is not None and spec.interactive_mode in ("Always", "IfAvailable")


def login_on_terminal(
    kubeconfig: str | os.PathLike[str] | None,
    context: str | None = None,
    *,
    execs: ExecCredentials,
    timeout: float = LOGIN_TIMEOUT,
    stdin: IO[Any] | int | None = None,
    stderr: IO[Any] | int | None = None,
) -> bool:
    """Run the context's plugin attached to the terminal (blocking: call it before the app
    starts, or inside `App.suspend()`); cache its credential in `execs`.

    Returns False when the context has no exec plugin. Raises KubeError when the plugin is
    missing, fails, prints no credential or does not finish within `timeout` seconds.
    `stdin`/`stderr` default to the process's own (the terminal)."""
    resolved = _resolve(kubeconfig, context)
    spec = resolved.user.exec
    if spec is None:
        return False
    who = f"user {spec.user!r}"
    env = dict(os.environ)
    env.update(spec.env)
    env["KUBERNETES_EXEC_INFO"] = execs.exec_info(spec, resolved.cluster, interactive=True)
    try:
        proc = subprocess.Popen(
            [spec.command, *spec.args],
            env=env,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    except FileNotFoundError as exc:
        raise KubeError(
            "Credential plugin not found",
            f"{who}: executable {spec.command!r} was not found",
            reason="ExecPlugin",
            hint=sanitize(spec.install_hint, 600, keep_newlines=True) or None,
        ) from exc
    except PermissionError as exc:
        raise KubeError(
            "Credential plugin not executable",
            f"{who}: {spec.command!r} cannot be run (permission denied)",
            reason="ExecPlugin",
        ) from exc
    try:
        stdout, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.communicate(timeout=5)
        raise KubeError(
            "Login timed out",
            f"{who}: the login of {spec.command!r} did not finish within {timeout:g} s",
            reason="ExecPlugin",
            hint="start again and complete the login in time",
        ) from exc
    except BaseException:
        proc.kill()  # Ctrl-C during the login: never leave the plugin behind
        proc.wait()
        raise
    if proc.returncode != 0:
        raise KubeError(
            "Login failed",
            f"{who}: {spec.command!r} exited with code {proc.returncode}",
            reason="ExecPlugin",
        )
    execs.seed(spec, resolved.cluster, execs.parse(stdout, spec))
    return True
