"""Entry points `kdebug-tui` and `kubectl kdebug`: parse, check, log in, then run the app.

The only module that imports both the launcher (`ui/launch/`) and `ui/app.py`: the launch
feature never imports the app it starts, so the app can import the launcher's options
without a circle.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from kdebug_tui.config import ConfigError, Settings
from kdebug_tui.ui.launch.options import LaunchOptions, _prepare, _UsageError, parse_args
from kdebug_tui.ui.launch.plugin_args import parse_plugin_args


def _run(options: LaunchOptions, settings: Settings) -> int:
    from kdebug_tui.kube.errors import KubeError
    from kdebug_tui.ui.launch.login import login_before_start

    try:  # an interactive credential plugin talks to the terminal before the full screen
        options = login_before_start(options)
    except KubeError as exc:
        hint = f"\nHint: {exc.hint}" if exc.hint else ""
        print(f"kdebug-tui: {exc.title}: {exc.message}{hint}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kdebug-tui: login interrupted", file=sys.stderr)
        return 130

    from kdebug_tui.ui.app import KdebugApp

    app = KdebugApp(options, settings)
    app.run()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    """`kdebug-tui [--demo] [--kubeconfig P] [--context C] [-n NS | -A] [--readonly] [--config F]`.

    Returns the exit code (1 for a clear configuration error, 2 for bad usage).
    """
    try:
        options = parse_args(sys.argv[1:] if argv is None else argv)
        settings = _prepare(options)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except _UsageError as exc:
        print(exc, file=sys.stderr)
        return 2 if "usage:" in str(exc) else 1
    except ConfigError as exc:
        print(f"kdebug-tui: settings: {exc}", file=sys.stderr)
        return 1
    return _run(options, settings)


def plugin_main(argv: Sequence[str] | None = None) -> int:
    """`kubectl kdebug POD|node/NAME [kubectl debug flags] [-- COMMAND...]`."""
    try:
        options = parse_plugin_args(sys.argv[1:] if argv is None else argv)
        settings = _prepare(options)
    except SystemExit as exc:
        return int(exc.code or 0)
    except _UsageError as exc:
        # As kubectl prints a flag error, with its exit code (1).
        first = str(exc).splitlines()[0].removeprefix("kubectl kdebug: ")
        first = first.replace("unrecognized arguments:", "unknown flag:")
        print(f"Error: {first}\nSee 'kubectl kdebug --help' for usage.", file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"kubectl kdebug: settings: {exc}", file=sys.stderr)
        return 1
    from kdebug_tui.ui.launch.precheck import precheck

    refused = precheck(options)  # a missing or forbidden target: no screen, as kubectl
    if refused is not None:
        print(refused[0], file=sys.stderr)
        return refused[1]
    return _run(options, settings)
