"""Screenshots of the real app on the sandbox, for the README: `screenshots/*.svg` (+ a PNG).

Runs KdebugApp headless (`run_test`, 140x40) against an in-process sandbox, drives it with
keys like a user, and saves SVGs with `app.save_screenshot`: the pods screen, the triage
view, the debug form with its preview, two shells split side by side, the file browser.
Steps whose screens are not available are skipped with a message. If `rsvg-convert` exists, the pods
screenshot is also converted to PNG.

Run: .venv/bin/python scripts/screenshots.py [--out screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kdebug_tui.sandbox import Sandbox  # noqa: E402
from kdebug_tui.ui.app import KdebugApp  # noqa: E402
from kdebug_tui.ui.launch.options import LaunchOptions  # noqa: E402

SIZE = (140, 40)


async def until(pilot: Any, predicate: Callable[[], object], what: str, limit: float = 20) -> bool:
    for _ in range(int(limit / 0.1)):
        try:
            if predicate():
                return True
        except Exception:
            pass
        await pilot.pause(0.1)
    print(f"  (gave up waiting for {what})")
    return False


def names(app: Any) -> list[str]:
    table = app.screen.table
    return [table.row_of(uid).name for uid in table.uids()]


def uid_of(app: Any, name: str) -> str:
    table = app.screen.table
    return next(uid for uid in table.uids() if table.row_of(uid).name == name)


async def shoot(out: Path, resources_only: bool = False) -> list[Path]:
    saved: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="kdebug-shots-") as tmp:
        # Home, state and downloads inside the temporary folder: the shots show `~/...`,
        # never a path of the machine they were made on.
        os.environ["HOME"] = tmp
        for name in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_DOWNLOAD_DIR"):
            os.environ.pop(name, None)
        async with Sandbox(port=0, workdir=Path(tmp) / "sandbox", demo=True) as sandbox:
            kubeconfig = sandbox.write_kubeconfig(Path(tmp) / "kubeconfig")
            options = LaunchOptions(kubeconfig=str(kubeconfig), all_namespaces=True)
            app: Any = KdebugApp(options)

            def save(name: str) -> None:
                path = out / f"{name}.svg"
                app.save_screenshot(filename=path.name, path=str(out))
                saved.append(path)
                print(f"  saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

            async with app.run_test(size=SIZE) as pilot:
                await until(pilot, lambda: "vault-0" in names(app), "the demo pods")
                await until(
                    pilot,
                    lambda: (
                        app.screen.table.row_of(uid_of(app, "crashloop")).status
                        == "CrashLoopBackOff"
                    ),
                    "crashloop to back off",
                )
                await until(pilot, lambda: app.services.access_summary, "the permission summary")
                app.screen.table.select_uid(uid_of(app, "already-debugged"))
                await pilot.pause(0.3)
                if resources_only:
                    await shoot_resources(app, pilot, save)
                    return saved
                save("pods")
                await shoot_resources(app, pilot, save)

                try:
                    from kdebug_tui.ui.debug.form import DebugFormScreen
                except ImportError:
                    print("  skipped debug form and sessions: ui/debug/form.py is missing")
                    await pilot.press("t")
                    await pilot.pause(0.5)
                    save("triage")
                    return saved
                app.screen.table.select_uid(uid_of(app, "web-distroless"))
                await pilot.press("d")
                await until(pilot, lambda: isinstance(app.screen, DebugFormScreen), "the form")
                await pilot.pause(1.0)
                save("debug-form")

                await pilot.press("ctrl+s")
                ok = await until(
                    pilot,
                    lambda: (
                        type(app.screen).__name__ == "SessionsScreen"
                        and app.screen.panes
                        and app.screen.panes[0].state == "terminal"
                    ),
                    "the first shell",
                )
                if not ok:
                    save("sessions")
                    return saved
                await pilot.press("enter")
                await pilot.press(*"ps -o pid,user,comm", "enter")
                await pilot.pause(1.0)
                await pilot.press("ctrl+backslash")
                await pilot.press("|")
                await until(
                    pilot,
                    lambda: len(app.screen.panes) == 2 and app.screen.panes[1].state == "terminal",
                    "the second shell",
                )
                await pilot.press("enter")
                await pilot.press(*"ls /", "enter")
                await pilot.pause(1.0)
                save("sessions-split")
                await shoot_broadcast(app, pilot, save)
                await shoot_files(app, pilot, save, Path(tmp))

                # Triage now shows our running debugger next to the old finished one.
                await pilot.press("escape")
                await until(pilot, lambda: hasattr(app.screen, "table"), "the pods screen")
                await pilot.press("t")
                await until(pilot, lambda: len(app.screen.rows) >= 2, "both debug containers")
                await pilot.pause(0.3)
                save("triage")
    return saved


async def shoot_resources(app: Any, pilot: Any, save: Callable[[str], None]) -> None:
    """`:deploy`, its pods with usage, events, a searched describe, a port-forward:
    `resources-*.svg`; ends back on the pods screen."""

    def shown() -> list[str]:
        return list(getattr(app.screen, "visible_names", list)())

    async def prompt(word: str) -> None:
        await pilot.press("colon", *word, "enter")
        await until(pilot, lambda: shown() and app.screen.live.is_set(), f":{word}")
        await pilot.pause(0.3)

    await prompt("deploy")
    save("resources-deployments")
    app.screen.query_one("DataTable").move_cursor(row=shown().index("frontend"))
    await pilot.press("enter")
    await until(pilot, lambda: len(shown()) == 2, "frontend's pods")
    await until(pilot, lambda: "n/a" not in str(app.screen.rows.usage), "their usage")
    await pilot.pause(1.0)
    save("resources-pods")
    await pilot.press("escape", "escape")
    await prompt("ev")
    save("resources-events")
    await pilot.press("escape")
    await prompt("no")
    await pilot.press("D")
    await until(pilot, lambda: getattr(app.screen, "lines", None), "the description")
    await pilot.press("slash", *"pods", "enter")
    await pilot.pause(0.3)
    save("resources-describe-search")
    await pilot.press("escape", "escape")
    await prompt("svc")
    app.screen.query_one("DataTable").move_cursor(row=shown().index("frontend"))
    await pilot.press("F")
    await pilot.pause(0.5)
    await pilot.press("enter")
    await pilot.pause(1.0)
    await pilot.press("f")
    await pilot.pause(1.5)
    save("resources-port-forwards")
    while hasattr(app.screen, "visible_names") or type(app.screen).__name__ == "ForwardsScreen":
        await pilot.press("escape")
        await pilot.pause(0.1)


async def shoot_broadcast(app: Any, pilot: Any, save: Callable[[str], None]) -> None:
    """Both shells in broadcast (b on each pane), one command typed once: `broadcast.svg`."""
    if not hasattr(app.screen, "broadcast"):
        print("  skipped broadcast: the sessions screen has no broadcast")
        return
    await pilot.press("ctrl+backslash", "b", "left", "b")
    await pilot.pause(0.3)
    await pilot.press("y", "enter")  # broadcast to two panes asks first
    await pilot.press(*"echo typed once, ran in both: $(hostname)", "enter")
    await pilot.pause(1.0)
    await pilot.press("ctrl+backslash", "escape")  # prefix, esc: leave the terminal
    await pilot.pause(0.3)
    save("broadcast")


async def shoot_files(app: Any, pilot: Any, save: Callable[[str], None], tmp: Path) -> None:
    """`f` on the distroless target's debugger: its /etc, one verified download: `files.svg`."""
    try:
        from kdebug_tui.ui.files.screen import FilesScreen
    except ImportError:
        print("  skipped files: ui/files/screen.py is missing")
        return
    await pilot.press("f")  # (the keyboard was released after the broadcast shot)
    if not await until(pilot, lambda: isinstance(app.screen, FilesScreen), "the file browser"):
        return
    screen = app.screen
    await until(pilot, lambda: screen.listing.entries, "the target's /")
    await pilot.press("slash", *"/etc", "enter")
    await until(pilot, lambda: screen.cwd == "/etc" and screen.listing.entries, "/etc")
    screen.listing.select_name("os-release")
    await pilot.press("g")
    screen.query_one("#files-prompt").value = str(tmp / "os-release")
    await pilot.press("enter")
    await until(pilot, lambda: not screen.transfer.running and screen.transfer.done, "download")
    await pilot.pause(0.3)
    save("files")
    await pilot.press("escape")


def to_png(svg: Path) -> Path | None:
    converter = shutil.which("rsvg-convert")
    if converter is None:
        print("  (rsvg-convert not found: no PNG; apt-get install librsvg2-bin)")
        return None
    png = svg.with_suffix(".png")
    subprocess.run([converter, str(svg), "-o", str(png)], check=True)
    print(f"  converted {png.name}")
    return png


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument(
        "--resources-only", action="store_true", help="only the resource lists (resources-*.svg)"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"screenshots of kdebug-tui on the sandbox -> {args.out}")
    saved = asyncio.run(shoot(args.out, args.resources_only))
    if saved and not args.resources_only:
        to_png(saved[0])
    return 0 if saved else 1


if __name__ == "__main__":
    raise SystemExit(main())
