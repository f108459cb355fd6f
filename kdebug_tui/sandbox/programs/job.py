"""kdebug.local/job: a batch job that does a few steps and completes (exit 0)."""

from __future__ import annotations

import os
import sys
import time


def main() -> int:
    steps = int(os.environ.get("STEPS", "3"))
    pause = float(os.environ.get("STEP_SECONDS", "0.2"))
    for i in range(1, steps + 1):
        print(f"step {i}/{steps} done", flush=True)
        time.sleep(pause)
    print("report generated", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
