"""kdebug.local/worker: a queue worker that cannot reach its queue and crashes.

Prints a few lines, then after CRASH_AFTER seconds (default 1) an error on stderr and exits 1
(EXIT_CODE), which drives a pod into Error and then CrashLoopBackOff.
"""

from __future__ import annotations

import os
import sys
import time


def main() -> int:
    delay = float(os.environ.get("CRASH_AFTER", "1"))
    queue = os.environ.get("QUEUE_URL", "amqp://queue.shop.svc:5672")
    print("worker starting", flush=True)
    print(f"connecting to {queue}", flush=True)
    time.sleep(delay)
    print(f"fatal: dial {queue}: connection refused", file=sys.stderr, flush=True)
    return int(os.environ.get("EXIT_CODE", "1"))


if __name__ == "__main__":
    sys.exit(main())
