"""The sandbox's kubeconfig (an admin token) is never written where another user can reach it.

The attacks of issue 15 item 1, replayed: a file pre-created by another uid (who would chmod it
afterwards and read the token), a symbolic link (root would write through it), a directory
others may write (/tmp). Each is refused with a message naming a safe place, and nothing is
written; the real `kdebug-tui sandbox` command writes 0600 where it is allowed to.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
import yaml

from kdebug_tui.sandbox.kubeconfig import (
    UnsafeKubeconfigPath,
    default_kubeconfig_path,
    write_kubeconfig,
)

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534
DATA = {"users": [{"name": "sandbox-admin", "user": {"token": "secret-token"}}]}


def _private_dir(tmp_path: Path) -> Path:
    d = tmp_path / "private"
    d.mkdir(mode=0o700)
    return d


def test_writes_0600_atomically_and_replaces_own_file(tmp_path: Path) -> None:
    d = _private_dir(tmp_path)
    target = d / "kc.yaml"
    target.write_text("old")
    target.chmod(0o644)
    written = write_kubeconfig(target, DATA)
    assert written == target
    assert yaml.safe_load(target.read_text()) == DATA
    assert target.stat().st_mode & 0o777 == 0o600
    assert os.listdir(d) == ["kc.yaml"]  # no temporary file left behind


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another uid")
def test_file_precreated_by_another_user_is_refused_and_untouched(tmp_path: Path) -> None:
    d = _private_dir(tmp_path)
    target = d / "kc.yaml"
    target.write_text("")  # as uid 65534: `: > kc.yaml`
    os.chown(target, NOBODY, NOBODY)
    with pytest.raises(UnsafeKubeconfigPath, match="belongs to another user") as info:
        write_kubeconfig(target, DATA)
    assert str(default_kubeconfig_path()) in str(info.value)
    assert target.read_text() == ""
    assert target.stat().st_uid == NOBODY


def test_symlink_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    d = _private_dir(tmp_path)
    victim = tmp_path / "victim"
    victim.write_text("precious")
    link = d / "kc.yaml"
    link.symlink_to(victim)
    with pytest.raises(UnsafeKubeconfigPath, match="symbolic link"):
        write_kubeconfig(link, DATA)
    assert victim.read_text() == "precious"
    assert link.is_symlink()
    assert sorted(os.listdir(d)) == ["kc.yaml"]


def test_directory_writable_by_others_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp: world-writable, sticky
    with pytest.raises(UnsafeKubeconfigPath, match="writable by other users"):
        write_kubeconfig(shared / "kc.yaml", DATA)
    assert os.listdir(shared) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a directory to another uid")
def test_directory_of_another_user_is_refused(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    os.chown(theirs, NOBODY, NOBODY)
    with pytest.raises(UnsafeKubeconfigPath, match="belongs to another user"):
        write_kubeconfig(theirs / "kc.yaml", DATA)
    assert os.listdir(theirs) == []


def test_missing_directory_is_created_private(tmp_path: Path) -> None:
    d = _private_dir(tmp_path)
    target = d / "state" / "kdebug-tui" / "kc.yaml"
    write_kubeconfig(target, DATA)
    assert target.parent.stat().st_mode & 0o777 == 0o700
    assert target.stat().st_mode & 0o777 == 0o600


def test_default_path_is_under_xdg_state_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert default_kubeconfig_path() == tmp_path / "state" / "kdebug-tui" / "sandbox.kubeconfig"
    monkeypatch.setenv("XDG_STATE_HOME", "relative/ignored")  # the XDG spec: absolute only
    assert default_kubeconfig_path() == Path.home() / ".local/state/kdebug-tui/sandbox.kubeconfig"


async def _run_sandbox(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """`kdebug-tui sandbox ARGS` until its banner (then SIGINT) or its exit."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kdebug_tui", "sandbox", "--no-demo", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=str(ROOT), env=env,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    out = ""
    try:
        async with asyncio.timeout(60):
            while "Press Ctrl-C" not in out:
                line = (await proc.stdout.readline()).decode()
                if not line:
                    break
                out += line
            if "Press Ctrl-C" in out:
                proc.send_signal(signal.SIGINT)
            out += (await proc.stdout.read()).decode()
            err = (await proc.stderr.read()).decode()
            code = await proc.wait()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    return code, out, err


async def test_cli_refuses_a_path_in_a_world_writable_directory(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    code, _out, err = await _run_sandbox(["--kubeconfig", str(shared / "x.yaml")], dict(os.environ))
    assert code == 1
    assert "refusing to write the kubeconfig" in err and "writable by other users" in err
    assert "Traceback" not in err
    assert os.listdir(shared) == []


async def test_cli_writes_the_default_path_0600(tmp_path: Path) -> None:
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"))
    code, out, err = await _run_sandbox([], env)
    target = tmp_path / "state" / "kdebug-tui" / "sandbox.kubeconfig"
    assert code == 0, err
    assert f"Kubeconfig: {target}" in out
    assert target.stat().st_mode & 0o777 == 0o600
    config = yaml.safe_load(target.read_text())
    assert config["clusters"][0]["cluster"]["server"].startswith("https://127.0.0.1:")
