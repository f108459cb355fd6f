"""What runs before the first frame must not import the Kubernetes client (~0.4-0.8 s):
bench/startup.py measures the cost; this pins the cause, which once crept back in through
the launcher's login check."""

import subprocess
import sys


def test_launcher_path_before_the_app_does_not_import_the_client() -> None:
    probe = (
        "import sys\n"
        "from kdebug_tui.ui.launch.options import parse_args, _prepare\n"
        "from kdebug_tui.ui.launch.login import login_before_start\n"
        "from kdebug_tui.kube.errors import KubeError\n"
        "options = parse_args(['--demo'])\n"
        "_prepare(options)\n"
        "login_before_start(options)\n"
        "import kdebug_tui.ui.app\n"
        "print(sorted(m for m in ('kubernetes_asyncio', 'aiohttp') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]", f"imported before the first frame: {out}"
