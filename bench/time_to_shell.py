"""Time to a shell: kdebug-tui's debug form vs `kubectl debug -it`, on the same sandbox.

Run: ``python -m bench.time_to_shell [--runs 3]``. For kdebug-tui the clock starts when the
real debug form (in the real app, headless) is submitted and stops when the shell prompt is
visible in the new pane's terminal. For kubectl it starts when `kubectl debug web-distroless
-it --image=busybox:1.36 --target=app` is spawned (under a PTY) and stops when its output
shows the prompt. Both inject an ephemeral container, wait for it and attach. Prints the
medians and the ratio kdebug/kubectl (target <= 1.0x).

Also `kubectl kdebug -it` as a whole process (issue 12 item 7: <= 1.0 s on this machine):
spawned under the same kind of PTY, clock from the spawn to the prompt drawn in the pane
(busybox's `/ # ` in the app's output), side by side with kubectl's whole process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import os
import pty
import re
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

POD, TARGET, IMAGE, NAMESPACE = "web-distroless", "app", "busybox:1.36", "default"
# A shell prompt at the end of the output (dash, ash, bash); busybox ash ends it with ESC[J.
# It may also ask where the cursor is (ESC[6n) and wait for the answer, as a terminal gives.
PROMPT = re.compile(rb"[#$] (\x1b\[J|\x1b\[6n)*$")
HINT = b"If you don't see a command prompt"
TIMEOUT = 60.0


async def _until(condition: Any, what: str, pilot: Any, limit: float = TIMEOUT) -> None:
    """Poll with a plain sleep: `pilot.pause()` waits for every widget's queue and forces a
    layout pass each time, work the measured app would otherwise never do."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


async def kdebug_once(kubeconfig: Path) -> float:
    from kdebug_tui.ui.app import KdebugApp
    from kdebug_tui.ui.debug.form import DebugFormScreen
    from kdebug_tui.ui.launch.options import LaunchOptions
    from kdebug_tui.ui.sessions.screen import SessionsScreen

    app = KdebugApp(LaunchOptions(kubeconfig=str(kubeconfig), namespace=NAMESPACE))
    async with app.run_test(size=(160, 48)) as pilot:
        await asyncio.wait_for(app.services.connected.wait(), TIMEOUT)
        pod = await app.services.get_pod(NAMESPACE, POD)
        form = DebugFormScreen(pod=pod, container=TARGET)
        await app.push_screen(form)
        form.query_one("#image").value = IMAGE  # type: ignore[attr-defined]
        await _until(
            lambda: form.built is not None and form._preview_timer is None, "preview", pilot
        )
        await _until(lambda: not form.query_one("#submit").disabled, "submit enabled", pilot)
        # As after a person's few seconds in the form: pre-flight and lookups have answered.
        await _until(
            lambda: (
                form._preflight_timer is None
                and not any(w.is_running and w.node is form for w in form.workers)
            ),
            "the form to settle",
            pilot,
        )
        started = time.perf_counter()
        form.action_submit()

        def prompt_shown() -> bool:
            # The emulator's screen (what the next frame, at most 1/60 s later, paints):
            # polling the painted lines would itself render the whole pane every 5 ms and
            # slow down what it measures.
            screen = app.screen
            if not isinstance(screen, SessionsScreen):
                return False
            return any(
                p.terminal is not None
                and any(
                    PROMPT.search(line.rstrip().encode() + b" ")
                    for line in p.terminal.emulator.display
                )
                for p in screen.panes
            )

        await _until(prompt_shown, "the prompt in the pane", pilot)
        elapsed = time.perf_counter() - started
        app.exit()
    return elapsed


async def kubectl_once(kubectl: str, kubeconfig: Path) -> float:
    """kubectl under a 160x48 PTY; Enter is pressed as soon as kubectl says to press it
    (the shell's first prompt was printed before the attach), as a user would."""
    argv = [
        kubectl, "--kubeconfig", str(kubeconfig), "-n", NAMESPACE, "debug", POD, "-it",
        f"--image={IMAGE}", f"--target={TARGET}", "--profile=general",
    ]  # fmt: skip
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: kubectl on the PTY, with a real window size
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 48, 160, 0, 0))
        os.execv(argv[0], argv)
    loop = asyncio.get_running_loop()
    seen = b""
    pressed_at = -1
    found: asyncio.Future[float] = loop.create_future()

    def readable() -> None:
        nonlocal seen, pressed_at
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            if not found.done():
                found.set_exception(RuntimeError(f"kubectl ended: {seen[-300:]!r}"))
            loop.remove_reader(fd)
            return
        seen += data
        if data.endswith(b"\x1b[6n"):  # answer as a terminal does, or ash waits forever
            os.write(fd, b"\x1b[1;5R")
        if pressed_at < 0 and HINT in seen:
            pressed_at = len(seen)
            os.write(fd, b"\r")
        # From the hint on: busybox may print its prompt in the same read as the hint.
        hint_at = seen.find(HINT)
        tail = seen[hint_at + len(HINT) :] if hint_at >= 0 else b""
        if PROMPT.search(tail) and not found.done():
            found.set_result(time.perf_counter() - started)

    loop.add_reader(fd, readable)
    try:
        return await asyncio.wait_for(found, TIMEOUT)
    except TimeoutError:
        raise TimeoutError(f"no prompt from kubectl; its output ends: {seen[-300:]!r}") from None
    finally:
        loop.remove_reader(fd)
        with contextlib.suppress(OSError):
            os.write(fd, b"exit\r")
        await asyncio.sleep(0.2)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
        await asyncio.to_thread(os.waitpid, pid, 0)
        os.close(fd)


PLUGIN = "import sys; from kdebug_tui.cli import kubectl_plugin_main as m; sys.exit(m())"
DRAWN_PROMPT = re.compile(rb"/ # ")


async def plugin_once(kubeconfig: Path) -> float:
    """`kubectl kdebug -it` (our plugin's entry point) as a whole process under a PTY."""
    argv = [
        sys.executable, "-c", PLUGIN, POD, "-n", NAMESPACE, "-it", f"--image={IMAGE}",
        f"--target={TARGET}", "--profile=general", f"--kubeconfig={kubeconfig}",
    ]  # fmt: skip
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 48, 160, 0, 0))
        os.execve(argv[0], argv, env)
    loop = asyncio.get_running_loop()
    seen = bytearray()
    found: asyncio.Future[float] = loop.create_future()

    def readable() -> None:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            if not found.done():
                found.set_exception(RuntimeError(f"the plugin ended: {bytes(seen[-300:])!r}"))
            loop.remove_reader(fd)
            return
        seen.extend(data)
        if DRAWN_PROMPT.search(seen, max(0, len(seen) - len(data) - 8)) and not found.done():
            found.set_result(time.perf_counter() - started)

    loop.add_reader(fd, readable)
    try:
        return await asyncio.wait_for(found, TIMEOUT)
    finally:
        loop.remove_reader(fd)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
        await asyncio.to_thread(os.waitpid, pid, 0)
        os.close(fd)


@contextlib.asynccontextmanager
async def sandbox_process(tmp: Path) -> AsyncIterator[Path]:
    """`kdebug-tui sandbox` in its own process, as a cluster would be: neither contender
    shares an event loop (or a GIL) with the API server it talks to."""
    kubeconfig = tmp / "kubeconfig"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kdebug_tui", "sandbox", "--kubeconfig", str(kubeconfig),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        banner = b""
        while b"Press Ctrl-C" not in banner:
            line = await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)
            if not line:
                raise RuntimeError(f"the sandbox did not start: {banner.decode()[-500:]}")
            banner += line
        yield kubeconfig
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 30)
            except TimeoutError:
                proc.kill()
                await proc.wait()


async def main_async(runs: int, in_process: bool) -> int:
    kubectl = shutil.which("kubectl")
    ours: list[float] = []
    theirs: list[float] = []
    plugin: list[float] = []
    with tempfile.TemporaryDirectory(prefix="kdebug-bench-") as tmp:
        if in_process:
            from kdebug_tui.sandbox import Sandbox

            cluster: Any = Sandbox(port=0, workdir=Path(tmp) / "sandbox", demo=True)
        else:
            cluster = sandbox_process(Path(tmp))
        async with cluster as sb:
            if in_process:
                kubeconfig = sb.write_kubeconfig(Path(tmp) / "kubeconfig", namespace=NAMESPACE)
            else:
                kubeconfig = sb
            for index in range(runs):
                ours.append(await kdebug_once(kubeconfig))
                if kubectl:
                    theirs.append(await kubectl_once(kubectl, kubeconfig))
                plugin.append(await plugin_once(kubeconfig))
                print(
                    f"run {index + 1}: kdebug-tui {ours[-1] * 1000:.0f} ms"
                    + (f", kubectl {theirs[-1] * 1000:.0f} ms" if theirs else "")
                    + f", kubectl kdebug process {plugin[-1] * 1000:.0f} ms"
                )
    ours_median = statistics.median(ours)
    print(f"kdebug-tui form submit -> prompt: median {ours_median * 1000:.0f} ms")
    plugin_median = statistics.median(plugin)
    verdict = "OK" if plugin_median <= 1.0 else "SLOWER"
    print(
        f"kubectl kdebug -it process -> prompt: median {plugin_median * 1000:.0f} ms "
        f"(target <= 1000 ms) {verdict}"
    )
    if not theirs:
        print("kubectl not found: no baseline")
        return 0
    theirs_median = statistics.median(theirs)
    ratio = ours_median / theirs_median
    print(f"kubectl debug -it -> prompt:      median {theirs_median * 1000:.0f} ms")
    print(f"ratio kubectl kdebug process / kubectl debug -it: {plugin_median / theirs_median:.2f}x")
    verdict = "OK" if ratio <= 1.0 else "SLOWER"
    print(f"ratio kdebug/kubectl: {ratio:.2f}x (target <= 1.0x) {verdict}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="serve the sandbox inside the benchmark's event loop (shared with the app)",
    )
    args = parser.parse_args()
    return asyncio.run(main_async(args.runs, args.in_process))


if __name__ == "__main__":
    raise SystemExit(main())
