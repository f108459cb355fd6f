"""Interactive exec-plugin logins (`interactiveMode: Always`/`IfAvailable`) for the app.

A plugin that prompts (device code, MFA) needs the real terminal. Before the full screen
starts we run it right away (`login_before_start`); on a context switch inside the app we
suspend the app, run it on the restored terminal, and resume (`login_in_app`). Both use
`kube/login.py`, which bounds the login with a timeout; every failure is a KubeError with a
plain message, never a hang or a traceback.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kdebug_tui.ui.launch.options import LaunchOptions


def login_before_start(options: LaunchOptions, *, timeout: float | None = None) -> LaunchOptions:
    """Run the context's interactive plugin now, if it has one; return options carrying the
    credential cache (`execs`) for `KubeSession.open`. Raises KubeError on failure.

    A kubeconfig that cannot be read is left to the session inside the app, which explains it."""
    if options.demo:  # the sandbox has no credential plugins; import nothing before the frame
        return options
    from kdebug_tui.kube.credentials import ExecCredentials
    from kdebug_tui.kube.errors import KubeError
    from kdebug_tui.kube.login import LOGIN_TIMEOUT, login_on_terminal, needs_interactive_login

    try:
        needed = needs_interactive_login(options.kubeconfig, options.context)
    except (KubeError, OSError, ValueError):
        return options
    if not needed:
        return options
    execs = options.execs or ExecCredentials()
    print("kdebug-tui: this context's credential plugin needs you to log in:", file=sys.stderr)
    login_on_terminal(
        options.kubeconfig,
        options.context,
        execs=execs,
        timeout=LOGIN_TIMEOUT if timeout is None else timeout,
    )
    return dataclasses.replace(options, execs=execs)


async def login_in_app(app: Any, session: Any, context: str) -> None:
    """Before switching `session` to `context`: if its plugin is interactive, run it with the
    app suspended (the terminal restored). Raises KubeError when it fails or cannot run."""
    from kdebug_tui.kube.errors import KubeError
    from kdebug_tui.kube.login import login_on_terminal, needs_interactive_login

    try:
        needed = needs_interactive_login(session.kubeconfig, context)
    except (KubeError, OSError, ValueError):
        return  # the switch itself reports the problem
    if not needed:
        return
    from textual.app import SuspendNotSupported

    try:
        with app.suspend():
            print(f"kdebug-tui: context {context} needs you to log in:", file=sys.stderr)
            await asyncio.to_thread(
                login_on_terminal, session.kubeconfig, context, execs=session.execs
            )
    except SuspendNotSupported as exc:
        raise KubeError(
            "Interactive login needed",
            f"context {context}: its credential plugin needs the terminal, which this "
            "display cannot hand over",
            reason="ExecPlugin",
            hint=f"start kdebug-tui with --context {context} to log in first",
        ) from exc
