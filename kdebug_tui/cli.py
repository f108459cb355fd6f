"""Command line entry points: `kdebug-tui`, `kdebug-tui sandbox`, and `kubectl kdebug`.

The UI and the Kubernetes client are imported only once we know we need them, so that
`--help` and the sandbox start fast.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "sandbox":
        from kdebug_tui.sandbox.serve import main as sandbox_main

        return sandbox_main(args[1:])
    from kdebug_tui.ui.main import main as app_main

    return app_main(args)


def kubectl_plugin_main(argv: Sequence[str] | None = None) -> int:
    """`kubectl kdebug POD ...`: kubectl debug's flags, opening the app straight into a shell."""
    args = list(sys.argv[1:] if argv is None else argv)
    from kdebug_tui.ui.main import plugin_main

    return plugin_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
