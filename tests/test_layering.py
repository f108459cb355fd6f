"""The headless layers must stay importable without the UI toolkit."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("package", ["kdebug_tui.kube", "kdebug_tui.term", "kdebug_tui.sandbox"])
def test_headless_package_does_not_import_textual(package: str) -> None:
    probe = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"{package} pulled in UI modules: {out}"
