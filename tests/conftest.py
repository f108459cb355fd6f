"""Shared fixtures: the sandbox cluster served on loopback, and a kubeconfig pointing at it."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run, so CI's verdict depends on the code
# alone; `KDEBUG_HYPOTHESIS=explore pytest tests/...` searches new random examples (that is
# how the status decoder's crash on `"causes": true` was found).
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(
    "explore" if os.environ.get("KDEBUG_HYPOTHESIS") == "explore" else "repeatable"
)

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def load_fixture(name: str) -> Any:
    """Objects recorded from a real cluster (copied from shared/fixtures/real-cluster)."""
    return json.loads((FIXTURES / "real-cluster" / name).read_text())


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Any]:
    from kdebug_tui.sandbox import Sandbox

    async with Sandbox(port=0, workdir=tmp_path / "sandbox", demo=True) as sb:
        await sb.demo_settled()  # no test races the demo's start-up
        yield sb


@pytest.fixture
def kubeconfig(sandbox: Any, tmp_path: Path) -> Path:
    return sandbox.write_kubeconfig(tmp_path / "kubeconfig")


@pytest.fixture
def kubectl_path() -> str:
    path = shutil.which("kubectl")
    if path is None:
        pytest.skip("kubectl is not installed on this machine")
    return path


@pytest.fixture
def real_cluster_kubeconfig() -> Path:
    value = os.environ.get("KDEBUG_TEST_KUBECONFIG")
    if not value:
        pytest.skip("KDEBUG_TEST_KUBECONFIG does not name a real cluster's kubeconfig")
    return Path(value)


@pytest.fixture(autouse=True)
def _private_state_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Session recordings (ui/sessions/recording.py) go to a temporary XDG state dir, not
    ~/.local."""
    state = tmp_path_factory.mktemp("xdg-state")
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    # the debug form remembers its extras next to the config (kdebug_tui/debug_choices.py):
    # a test's choice must not leak into ~/.config or into the next test
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))
    return state
