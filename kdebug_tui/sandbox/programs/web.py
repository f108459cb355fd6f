"""kdebug.local/distroless-web: a small HTTP service with no shell beside it.

Serves on 127.0.0.1 (PORT, default an ephemeral port), logs every request in a common log
format and a heartbeat every HEARTBEAT_SECONDS, and shuts down cleanly on SIGTERM, as a
well-behaved service in a pod does. A sandbox runs many of these at once, so it is one
thread around `select` with only light standard-library imports (~10 MB, ~10 ms of CPU to
start) rather than http.server.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import sys
import time

MAX_REQUEST = 8192


class Stop(Exception):
    """Raised by the SIGTERM handler to end the main loop at once."""


def stamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def log(line: str) -> None:
    sys.stdout.write(f"{stamp()} {line}\n")
    sys.stdout.flush()


def respond(conn: socket.socket, peer: str) -> None:
    """Read one request (bounded), answer it, log it like a web server's access log."""
    conn.settimeout(2.0)
    data = b""
    try:
        while b"\r\n\r\n" not in data and b"\n\n" not in data and len(data) < MAX_REQUEST:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    request_line = data.split(b"\n", 1)[0].strip().decode("latin-1")
    parts = request_line.split()
    if len(parts) < 2:
        status, body = 400, b"bad request\n"
    elif parts[1].startswith("/healthz"):
        status, body = 200, b"ok\n"
    else:
        host = os.environ.get("HOSTNAME", "web")
        status, body = 200, f"hello from {host}\n".encode()
    reason = "OK" if status == 200 else "Bad Request"
    head = (
        f"HTTP/1.0 {status} {reason}\r\nServer: distroless-web/1.0\r\n"
        f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    try:
        conn.sendall(head.encode() + body)
    except OSError:
        pass
    finally:
        conn.close()
    log(f'{peer} "{request_line}" {status} {len(body)}')


def main() -> int:
    port = int(os.environ.get("PORT", "0"))
    interval = float(os.environ.get("HEARTBEAT_SECONDS", "5"))
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(16)
    stopping: list[int] = []

    def on_term(signum: int, _frame: object) -> None:
        stopping.append(signum)
        raise Stop  # out of select() now: a retried select would sleep until the next beat

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    host, bound = server.getsockname()
    log(f"listening on http://{host}:{bound}")
    beats = 0
    next_beat = time.monotonic() + interval
    try:  # a TERM anywhere in the loop ends it cleanly
        while not stopping:
            wait = max(0.0, next_beat - time.monotonic())
            ready, _, _ = select.select([server], [], [], wait)
            if ready:
                conn, addr = server.accept()
                respond(conn, addr[0])
            if time.monotonic() >= next_beat:
                beats += 1
                log(f"heartbeat {beats}: healthy")
                next_beat += interval
    except Stop:
        pass
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second TERM must not interrupt us
    log(f"received signal {stopping[0]}, shutting down")
    server.close()
    log("bye")
    return 0


if __name__ == "__main__":
    sys.exit(main())
