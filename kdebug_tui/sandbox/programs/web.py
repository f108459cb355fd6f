"""kdebug.local/distroless-web: a small HTTP service with no shell beside it.

Serves on 127.0.0.1 (PORT, default an ephemeral port), logs every request in a common log
format and a heartbeat every HEARTBEAT_SECONDS, and shuts down cleanly on SIGTERM, as a
well-behaved service in a pod does. Standard library only: it starts in ~30 ms.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def stamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class Handler(BaseHTTPRequestHandler):
    server_version = "distroless-web/1.0"

    def do_GET(self) -> None:
        if self.path.startswith("/healthz"):
            body = b"ok\n"
        else:
            body = f"hello from {os.environ.get('HOSTNAME', 'web')}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        print(f"{stamp()} {self.address_string()} {format % args}", flush=True)


def main() -> int:
    port = int(os.environ.get("PORT", "0"))
    interval = float(os.environ.get("HEARTBEAT_SECONDS", "5"))
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    stop = threading.Event()

    def on_term(signum: int, _frame: object) -> None:
        print(f"{stamp()} received signal {signum}, shutting down", flush=True)
        stop.set()

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, bound = str(server.server_address[0]), server.server_address[1]
    print(f"{stamp()} listening on http://{host}:{bound}", flush=True)
    beats = 0
    while not stop.wait(interval):
        beats += 1
        print(f"{stamp()} heartbeat {beats}: healthy", flush=True)
    server.shutdown()
    print(f"{stamp()} bye", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
