"""`kubectl kdebug` fails before any screen as `kubectl debug` does (issue 12 item 7): the
same stderr and exit code for a missing pod, a refused token and an unknown flag. Both run as
whole processes against the sandbox."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = "import sys; from kdebug_tui.cli import kubectl_plugin_main as m; sys.exit(m())"

pytestmark = pytest.mark.timeout(60)


async def run(*argv: str, kubeconfig: Path) -> tuple[int, str]:
    env = dict(os.environ, KUBECONFIG=str(kubeconfig), PYTHONPATH=str(ROOT))
    proc = await asyncio.create_subprocess_exec(
        *argv,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, (out + err).decode()


async def kdebug(*args: str, kubeconfig: Path) -> tuple[int, str]:
    return await run(sys.executable, "-c", PLUGIN, *args, kubeconfig=kubeconfig)


def bad_token(kubeconfig: Path, tmp_path: Path) -> Path:
    import yaml

    doc = yaml.safe_load(kubeconfig.read_text())
    for user in doc["users"]:
        user["user"]["token"] = "not-a-token"
    path = tmp_path / "bad-token"
    path.write_text(yaml.safe_dump(doc))
    path.chmod(0o600)
    return path


CASES = {
    "missing pod": (["nosuchpod", "--image=busybox:1.36", "-it"], None),
    "refused token": (["web-distroless", "--image=busybox:1.36", "-it"], "bad"),
    "unknown flag": (["web-distroless", "--image=busybox:1.36", "--foo"], None),
}
EXPECTED = {
    "missing pod": 'Error from server (NotFound): pods "nosuchpod" not found',
    "refused token": "error: You must be logged in to the server (Unauthorized)",
    "unknown flag": "Error: unknown flag: --foo",
}


@pytest.mark.parametrize("case", sorted(CASES))
async def test_errors_before_any_screen_read_and_exit_as_kubectl_debug(
    case: str, sandbox: Any, kubeconfig: Path, tmp_path: Path
) -> None:
    args, token = CASES[case]
    config = bad_token(kubeconfig, tmp_path) if token else kubeconfig
    code, text = await kdebug(*args, "--profile=general", kubeconfig=config)
    assert code == 1 and text.strip().splitlines()[0] == EXPECTED[case], text
    assert "\x1b[?1049h" not in text  # no full screen was ever opened
    if shutil.which("kubectl"):  # the reference, side by side
        kubectl_code, kubectl_text = await run(
            "kubectl", "debug", *args, "--profile=general", kubeconfig=config
        )
        assert kubectl_code == code
        # kubectl words a 401 after its discovery cache is warm as "(Unauthorized)", and
        # when the discovery request itself is refused by what the server said; same start.
        same = EXPECTED[case].split("(")[0] if token else EXPECTED[case]
        assert same.replace("kdebug", "debug") in kubectl_text, kubectl_text
