"""Files that container processes open must be reachable by the pod's uid wherever the
package is installed (a checkout under a 0700 directory made vault-0 crash-loop)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kdebug_tui.sandbox import staging


@pytest.fixture
def closed_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the sandbox package's data under a directory only root may enter."""
    closed = tmp_path / "closed"
    package = closed / "sandbox"
    for name in ("programs", "data"):
        shutil.copytree(staging.PACKAGE_DIR / name, package / name)
    closed.chmod(0o700)
    monkeypatch.setattr(staging, "PACKAGE_DIR", package)
    staging._staged_root.cache_clear()
    yield package
    staging._staged_root.cache_clear()


def test_an_open_package_is_used_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    top = Path(tempfile.mkdtemp(prefix="kdebug-open-", dir="/tmp"))  # pytest's are 0700
    try:
        package = top / "sandbox"
        (package / "programs").mkdir(parents=True)
        (package / "programs" / "web.py").write_text("pass\n")
        for path in (top, package, package / "programs"):
            path.chmod(0o755)
        (package / "programs" / "web.py").chmod(0o644)
        monkeypatch.setattr(staging, "PACKAGE_DIR", package)
        assert staging.shared_path("programs/web.py") == package / "programs" / "web.py"
    finally:
        shutil.rmtree(top)


def test_a_closed_package_is_staged_where_anyone_can_read_it(closed_package: Path) -> None:
    web = staging.shared_path("programs/web.py")
    shim = staging.shared_path("data/busybox-bin/ps")
    assert not str(web).startswith(str(closed_package))
    assert staging.reachable_by_anyone(web) and staging.reachable_by_anyone(shim)
    assert os.access(shim, os.X_OK)
    assert web.read_bytes() == (closed_package / "programs" / "web.py").read_bytes()
    assert staging.shared_path("data/shrc").parent == shim.parent.parent  # one staged copy


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root")
def test_another_uid_really_opens_the_staged_program(closed_package: Path) -> None:
    own = closed_package / "programs" / "web.py"
    as_1000 = ["setpriv", "--reuid", "1000", "--regid", "1000", "--clear-groups", "head", "-c1"]
    assert subprocess.run([*as_1000, str(own)], capture_output=True).returncode != 0
    staged = staging.shared_path("programs/web.py")
    done = subprocess.run([*as_1000, str(staged)], capture_output=True)
    assert done.returncode == 0 and done.stdout == own.read_bytes()[:1]
