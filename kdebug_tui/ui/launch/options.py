"""`kdebug-tui` arguments -> LaunchOptions, and the cheap checks before the full screen.

Cheap checks (settings file, kubeconfig path) happen here, before the full screen starts,
so a typo gives one clear line on stderr and exit code 1. Textual and the Kubernetes client
are imported only after that (`ui/main.py` runs the app). `kubectl kdebug`'s flags are
parsed in `plugin_args.py`, which builds on the parser here.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kdebug_tui.config import Settings, load_settings
from kdebug_tui.ui.debug.prefill import DebugPrefill


@dataclass(frozen=True)
class LaunchOptions:
    demo: bool = False
    kubeconfig: str | None = None
    context: str | None = None
    namespace: str | None = None
    all_namespaces: bool = False
    readonly: bool = False
    config: str | None = None
    prefill: DebugPrefill | None = field(default=None)
    # kube.credentials.ExecCredentials filled by an interactive login before the app started
    execs: Any = field(default=None, compare=False, repr=False)


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() always returns a code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}\n{self.format_usage().strip()}")


class _UsageError(Exception):
    pass


def _app_parser() -> _Parser:
    parser = _Parser(
        prog="kdebug-tui",
        description="Debug Kubernetes workloads with ephemeral containers, interactively.",
    )
    _common(parser)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the built-in kdebug sandbox (not a real cluster) and connect to it",
    )
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("-n", "--namespace", help="namespace to show (default: the context's)")
    scope.add_argument(
        "-A", "--all-namespaces", action="store_true", help="show pods of all namespaces"
    )
    parser.add_argument(
        "--readonly",
        action="store_true",
        help="hide and refuse every action that changes the cluster",
    )
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--kubeconfig", help="kubeconfig file (default: $KUBECONFIG, ~/.kube/config)"
    )
    parser.add_argument("--context", help="kubeconfig context to use")
    parser.add_argument("--config", help="kdebug-tui settings file (default: XDG config dir)")


def parse_args(argv: Sequence[str]) -> LaunchOptions:
    args = _app_parser().parse_args(list(argv))
    return LaunchOptions(
        demo=args.demo,
        kubeconfig=args.kubeconfig,
        context=args.context,
        namespace=args.namespace,
        all_namespaces=args.all_namespaces,
        readonly=args.readonly,
        config=args.config,
    )


def check_kubeconfig(options: LaunchOptions, environ: dict[str, str] | None = None) -> str | None:
    """A clear message when there is obviously no kubeconfig to read; None if it may work.

    Deeper problems (bad YAML, unknown context) are found by the session inside the app.
    """
    if options.demo:
        return None
    env = os.environ if environ is None else environ
    if options.kubeconfig:
        path = Path(os.path.expanduser(options.kubeconfig))
        if not path.exists():
            return f"kubeconfig {options.kubeconfig}: no such file"
        if not path.is_file():
            return f"kubeconfig {options.kubeconfig}: not a file"
        return None
    listed = [p for p in env.get("KUBECONFIG", "").split(os.pathsep) if p]
    candidates = [Path(os.path.expanduser(p)) for p in listed] or [Path.home() / ".kube" / "config"]
    if any(p.is_file() for p in candidates):
        return None
    if env.get("KUBERNETES_SERVICE_HOST"):
        return None  # in-cluster config
    where = "$KUBECONFIG (" + os.pathsep.join(listed) + ")" if listed else "~/.kube/config"
    return (
        f"no kubeconfig found in {where}. Give one with --kubeconfig, "
        "or try the built-in sandbox: kdebug-tui --demo"
    )


def _prepare(options: LaunchOptions) -> Settings:
    settings = load_settings(options.config, explicit=options.config is not None)
    problem = check_kubeconfig(options)
    if problem:
        raise _UsageError(f"kdebug-tui: {problem}")
    return settings
