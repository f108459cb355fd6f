"""The fixed scripts and argvs under a real busybox (what most debug images ship).

Real debuggers mostly run busybox (the sandbox's busybox image does too). These run the
same argvs with PATH holding only busybox applets (skipped when busybox is not installed:
`apt-get install busybox-static`, which the README's test command installs).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from kdebug_tui.kube.files import STAT_FORMAT, parse_listing
from kdebug_tui.kube.proctable import parse_proc_table, proc_table_argv
from kdebug_tui.kube.stopping import SIGNAL_NAME, SIGNAL_SCRIPT, STOP_ENV, wrap_command

BUSYBOX = shutil.which("busybox")
pytestmark = pytest.mark.skipif(BUSYBOX is None, reason="busybox is not installed")


@pytest.fixture
def applets(tmp_path: Path) -> dict[str, str]:
    """An environment whose PATH has busybox applets only."""
    assert BUSYBOX is not None
    bindir = tmp_path / "bin"
    bindir.mkdir()
    listing = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True, check=True)
    for name in listing.stdout.split():
        (bindir / name).symlink_to(BUSYBOX)
    return {"PATH": str(bindir)}


def test_proc_table_under_busybox(applets: dict[str, str]) -> None:
    out = subprocess.run(
        proc_table_argv(""), env=applets, capture_output=True, check=True, timeout=60
    )
    table = parse_proc_table(out.stdout.decode())
    assert table.script_pid is not None
    me = next(e for e in table.entries if e.pid == table.script_pid)
    assert me.uid == os.geteuid() and me.comm == "sh"


def test_listing_under_busybox(applets: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "d"
    (folder / "sub").mkdir(parents=True)
    (folder / "a b\nc").write_text("x")
    (folder / "l").symlink_to("sub")
    argv = ["find", f"{folder}/", "-mindepth", "1", "-maxdepth", "1",
            "-exec", "stat", "-c", STAT_FORMAT, "{}", "+"]  # fmt: skip
    out = subprocess.run(argv, env=applets, capture_output=True, check=True, timeout=30)
    entries = [(e.name, e.kind, e.size) for e in parse_listing(out.stdout, str(folder))]
    assert entries == [("sub", "dir", (folder / "sub").stat().st_size), ("a b\nc", "file", 1),
                       ("l", "link", 3)]  # fmt: skip


def test_wrapper_under_busybox(applets: dict[str, str], tmp_path: Path) -> None:
    """The wrapper records the pid the user's command runs as; Stop's script signals it."""
    pid_file = tmp_path / "stop"
    env = {**applets, STOP_ENV: str(pid_file)}
    ended = subprocess.run(wrap_command(["sh", "-c", "exit 5"]), env=env, timeout=30)
    assert ended.returncode == 5
    proc = subprocess.Popen(
        wrap_command(["sh", "-c", "echo started; exec sleep 60"]), env=env, stdout=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == b"started\n"
        assert pid_file.read_text().strip() == str(proc.pid)  # exec'd: the same process

        def signal(name: str) -> int:
            argv = ["sh", "-c", SIGNAL_SCRIPT, SIGNAL_NAME, str(pid_file), name]
            return subprocess.run(argv, env=applets, timeout=30).returncode

        started = time.monotonic()
        assert signal("HUP") == 0
        assert proc.wait(timeout=15) == -1  # SIGHUP
        assert time.monotonic() - started < 10
        assert signal("TERM") == 4  # gone
        pid_file.unlink()
        assert signal("HUP") == 3  # nothing recorded
    finally:
        proc.kill()
        proc.wait()


@pytest.fixture
def fake_root(tmp_path: Path) -> Path:
    """A target root whose absolute links would escape if the kernel followed them."""
    root = tmp_path / "root"
    (root / "run").mkdir(parents=True)
    (root / "run" / "app.pid").write_text("7\n")
    (root / "var").mkdir()
    (root / "var" / "run").symlink_to("/run")
    (root / "releases" / "7").mkdir(parents=True)
    (root / "app").mkdir()
    (root / "app" / "current").symlink_to("../releases/7")
    (root / "loop-a").symlink_to("loop-b")
    (root / "loop-b").symlink_to("loop-a")
    (root / "odd name").symlink_to("/var/run/")
    return root


@pytest.mark.parametrize("tools", ["busybox", "host"])
def test_paths_resolve_inside_the_target_root(
    tools: str, applets: dict[str, str], fake_root: Path
) -> None:
    from kdebug_tui.kube.target_paths import parse_resolved, resolve_argv

    env = applets if tools == "busybox" else {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}

    def resolve(path: str) -> str:
        done = subprocess.run(
            resolve_argv(str(fake_root), path), env=env, capture_output=True, timeout=30
        )
        assert done.returncode == 0, done.stderr
        return parse_resolved(done.stdout)

    assert resolve("/var/run/app.pid") == "/run/app.pid"  # not this machine's /run
    assert resolve("/app/current/x") == "/releases/7/x"
    assert resolve("/odd name/app.pid") == "/run/app.pid"
    assert resolve("/../../app/./current/../7") == "/releases/7"
    assert resolve("/") == "/" and resolve("/missing/deeper") == "/missing/deeper"
    loop = subprocess.run(
        resolve_argv(str(fake_root), "/loop-a/x"), env=env, capture_output=True, timeout=30
    )
    assert loop.returncode == 40 and b"too many levels" in loop.stderr
