"""The pod's "pause" process: holds a shared PID namespace and reaps orphans, as PID 1.

Orphans of any container in a pod with shareProcessNamespace are re-parented to PID 1 of
the namespace; without a reaper they would stay zombies. Exits on SIGTERM/SIGINT.
"""

from __future__ import annotations

import os
import signal
import sys


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wake pause() when an orphan exits
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            signal.pause()


if __name__ == "__main__":
    sys.exit(main())
