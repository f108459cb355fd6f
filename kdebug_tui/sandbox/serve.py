"""`kdebug-tui sandbox`: serve the sandbox on 127.0.0.1 until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from kdebug_tui.sandbox.kubeconfig import UnsafeKubeconfigPath, default_kubeconfig_path
from kdebug_tui.sandbox.sandbox import Sandbox
from kdebug_tui.sandbox.tls import TlsUnavailable

BANNER = """\
kdebug-tui sandbox: a Kubernetes API emulator is serving on {url}
This is a sandbox, not a Kubernetes cluster: its "containers" are ordinary processes on
this machine, started and stopped by this command.

Kubeconfig: {kubeconfig}
  contexts: sandbox-admin (current, every right), sandbox-viewer (read-only)

Try:
  kubectl --kubeconfig {kubeconfig} get pods -A
  kdebug-tui --kubeconfig {kubeconfig}

Press Ctrl-C to stop; every process the sandbox started is stopped with it.
"""


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kdebug-tui sandbox",
        description="Serve the loopback sandbox cluster (not a Kubernetes) for kubectl and "
        "kdebug-tui.",
    )
    p.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (default: any free)")
    p.add_argument(
        "--kubeconfig",
        type=Path,
        default=None,
        help="where to write the kubeconfig, in a directory only you can write (default: "
        "$XDG_STATE_HOME/kdebug-tui/sandbox.kubeconfig)",
    )
    p.add_argument("--namespace", default="default", help="namespace of the kubeconfig contexts")
    p.add_argument("--no-demo", action="store_true", help="start without the demo workload")
    p.add_argument(
        "--scale",
        type=_count,
        default=0,
        metavar="N",
        help="also serve N synthetic pods across many namespaces and nodes (no processes)",
    )
    p.add_argument(
        "--churn",
        type=float,
        default=0.0,
        metavar="R",
        help="with --scale: R pod events per second (created, restarting, deleted)",
    )
    return p


async def _serve(args: argparse.Namespace, workdir: Path) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        sandbox = Sandbox(
            https_port=args.port,
            workdir=workdir / "state",
            demo=not args.no_demo,
            scale=args.scale,
            churn=args.churn,
        )
        async with sandbox as sb:
            kubeconfig = args.kubeconfig or default_kubeconfig_path()
            try:
                path = sb.write_kubeconfig(kubeconfig, namespace=args.namespace)
            except UnsafeKubeconfigPath as exc:
                print(f"kdebug-tui sandbox: {exc}", file=sys.stderr)
                return 1
            except OSError as exc:
                print(
                    f"kdebug-tui sandbox: cannot write the kubeconfig {kubeconfig}: "
                    f"{exc.strerror or exc}",
                    file=sys.stderr,
                )
                return 1
            print(BANNER.format(url=sb.https_url or sb.url, kubeconfig=path), flush=True)
            await stop.wait()
            print("kdebug-tui sandbox: stopping...", flush=True)
    except TlsUnavailable as exc:  # the API is served over HTTPS only
        print(f"kdebug-tui sandbox: cannot serve HTTPS: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"kdebug-tui sandbox: cannot serve on port {args.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    print("kdebug-tui sandbox: stopped.", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(argv) if argv is not None else None)
    workdir = Path(tempfile.mkdtemp(prefix="kdebug-sandbox-"))
    try:
        return asyncio.run(_serve(args, workdir))
    except KeyboardInterrupt:
        return 130
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
