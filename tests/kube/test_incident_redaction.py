"""A real incident record from the sandbox: every file redacted, nothing written on a full disk.

The pod carries secrets in the shapes that used to leak (a JSON password in an env value,
URL userinfo, `client_secret=` inside a setting, a quoted multi-word password), and the
recorded shell prints them coloured and on command lines. The record is exported through
the real code; every member of the archive is checked, so a file added to the record
later is checked too.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from kdebug_tui import incident
from kdebug_tui.incident import IncidentExportError, export_bundle
from kdebug_tui.kube.attach import ExecSession
from kdebug_tui.kube.incident_data import collect_incident
from kdebug_tui.kube.inject import wait_for_container
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.redaction import MASK
from kdebug_tui.term.recorder import CastRecorder
from tests.kube.e2e import read_until, shared_sandbox_fixtures
from tests.kube.triage_helpers import FOREVER

pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_sandbox, shared_kube = shared_sandbox_fixtures()

SECRETS = {
    "json": "jsonpw-4471",
    "url": "urlpw-9902",
    "setting": "cs-setting-3318",
    "quoted": "three word pass",
    "typed": "typedpw-7720",
    "mysql": "mysqlpw-5123",
    "curl": "curlpw-6634",
}
ENV = [
    {"name": "APP_CONFIG", "value": json.dumps({"db": {"password": SECRETS["json"]}})},
    {"name": "DATABASE_URL", "value": f"postgres://app:{SECRETS['url']}@db:5432/shop"},
    {"name": "SETTINGS", "value": f"client_secret={SECRETS['setting']}"},
    {"name": "NOTE", "value": f'PASSWORD="{SECRETS["quoted"]}" kept-words'},
    {"name": "MODE", "value": "prod"},
]
SHELL = (
    "printf '\\033[01;31mpassword\\033[m=%s\\n' \"$TYPED_PW\"; "
    f"echo mysql -u root -p{SECRETS['mysql']} shop; "
    f"echo curl -u admin:{SECRETS['curl']} https://api; "
    'echo $DATABASE_URL; echo "$APP_CONFIG"; echo $SETTINGS; echo "$NOTE"; '
    "echo finished-$((6*7))\r"
)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def recorded(
    shared_kube: KubeSession, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]], Path]:
    container = {"name": "app", "image": "busybox:1.36", "command": FOREVER, "env": ENV}
    body = {"metadata": {"name": "leaky"}, "spec": {"containers": [container]}}
    await shared_kube.request_json("POST", "/api/v1/namespaces/default/pods", body=body)
    await wait_for_container(shared_kube, "default", "leaky", "app", timeout=20)
    pod, _ = await collect_incident(shared_kube, "default", "leaky")
    assert pod is not None
    cast = tmp_path_factory.mktemp("cast") / "session.cast"
    attach = ExecSession(shared_kube, "default", "leaky", "app", ["sh"])
    with CastRecorder(cast, width=100, height=30) as recorder:
        await attach.start(100, 30)
        await attach.write(f"TYPED_PW={SECRETS['typed']}\r".encode())
        await attach.write(SHELL.encode())
        recorder.output(await read_until(attach, b"finished-42"))
        await attach.close()
    raw = cast.read_text()
    assert all(v in raw for v in SECRETS.values()), "the recording really holds every secret"
    after, events = await collect_incident(shared_kube, "default", "leaky")
    assert after is not None
    return pod, after, events, cast


def _spy_on_bundle(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """What each file of the record looked like when it left `Bundle.add`."""
    seen: dict[str, bytes] = {}
    real: Callable[..., None] = incident.Bundle.add

    def add(self: incident.Bundle, name: str, text: str, *, cast: bool = False) -> None:
        real(self, name, text, cast=cast)
        seen[name] = dict(self.items())[name]

    monkeypatch.setattr(incident.Bundle, "add", add)
    return seen


async def test_every_member_of_a_real_record_is_redacted(
    recorded: tuple[Any, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pod, after, events, cast = recorded
    seen = _spy_on_bundle(monkeypatch)
    sent = [{"method": "PATCH", "path": "/x", "body": {"spec": {"containers": [pod["spec"]]}}}]
    out = export_bundle(
        tmp_path / "record.tar.gz", sent=sent, pod_before=pod, pod_after=after,
        events=events, cast_path=cast, timestamps={"opened": 1.0},
        outcome=f"typed {SECRETS['typed']}",
    )  # fmt: skip
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with tarfile.open(out) as tar:
        members = {m.name.split("/", 1)[1]: m for m in tar.getmembers() if m.isfile()}
        data = {name: tar.extractfile(m).read() for name, m in members.items()}  # type: ignore[union-attr]
    assert {"pod-before.yaml", "pod-after.yaml", "sent.yaml", "session.cast"} <= set(data)
    assert data.keys() == seen.keys(), "a member of the record did not go through Bundle.add"
    for name, content in data.items():
        assert content == seen[name], f"{name} was changed after redaction"
        assert members[name].mode == 0o600
        for label, secret in SECRETS.items():
            assert secret.encode() not in content, f"{label} secret leaked into {name}"
    played = "".join(json.loads(line)[2] for line in data["session.cast"].decode().splitlines()[1:])
    assert "finished-42" in played and "postgres://app:" in played and MASK in played
    assert b"kept-words" in data["pod-after.yaml"] and b"value: prod" in data["pod-after.yaml"]


needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


@needs_dev_full
@pytest.mark.parametrize("name", ["record.tar.gz", "record"])
async def test_a_full_disk_leaves_no_record_behind(
    recorded: tuple[Any, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """The file (or files) of the record get a descriptor on /dev/full: every write fails in
    the kernel with ENOSPC once the file exists, as on a disk that filled up."""
    pod, after, events, cast = recorded
    real_mkstemp, real_fdopen = tempfile.mkstemp, os.fdopen

    dest = tmp_path / "out"
    dest.mkdir()

    def full(fd: int) -> int:
        if not os.readlink(f"/proc/self/fd/{fd}").startswith(str(dest)):
            return fd  # someone else's file: untouched
        dev = os.open("/dev/full", os.O_WRONLY)
        os.dup2(dev, fd)
        os.close(dev)
        return fd

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, path = real_mkstemp(*args, **kwargs)
        return full(fd), path

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        return real_fdopen(full(fd), *args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(incident.os, "fdopen", fdopen)
    with pytest.raises(IncidentExportError) as caught:
        export_bundle(dest / name, pod_before=pod, pod_after=after, events=events, cast_path=cast)
    message = str(caught.value)
    assert os.strerror(errno.ENOSPC) in message and "nothing was written" in message
    assert list(dest.iterdir()) == [], "a partial record or a temporary file was left"
