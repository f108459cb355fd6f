"""The incident record: a real debug session on the sandbox, exported, with no secret left."""

from __future__ import annotations

import asyncio
import json
import tarfile
import time
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import yaml

from kdebug_tui.incident import export_bundle
from kdebug_tui.kube.attach import AttachSession
from kdebug_tui.kube.debug import DebugRequest, EnvVar, build
from kdebug_tui.kube.incident_data import collect_incident
from kdebug_tui.kube.inject import inject, wait_for_container
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.redaction import MASK
from kdebug_tui.term.recorder import CastRecorder
from tests.kube.e2e import read_until, shared_sandbox_fixtures
from tests.kube.triage_helpers import FOREVER

pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_sandbox, shared_kube = shared_sandbox_fixtures()
CANARY = "CANARY-SECRET-123"
TYPED = "CANARY-TYPED-456"
BEARER = "abcdefghijklmnop.qrstuvwx"


def _all_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


async def _debug_session(kube: KubeSession, cast: Path) -> tuple[DebugRequest, Any, dict]:
    env = [
        {"name": "API_TOKEN", "value": CANARY},
        {"name": "MODE", "value": "prod"},
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}},
    ]
    applied = json.dumps({"spec": {"containers": [{"name": "app", "env": env[:1]}]}})
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "incident",
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": applied},
        },
        "spec": {"containers": [{"name": "app", "image": "busybox", "command": FOREVER,
                                 "env": env}]},
    }  # fmt: skip
    await kube.request_json("POST", "/api/v1/namespaces/default/pods", body=body)
    await wait_for_container(kube, "default", "incident", "app", timeout=20)
    before, _ = await collect_incident(kube, "default", "incident")
    assert before is not None
    request = DebugRequest(
        mode="ephemeral", namespace="default", pod_name="incident", image="busybox",
        target="app", command=["sh"], share_target_env=True,
        env=[EnvVar("EXTRA_SECRET", CANARY)],
    )  # fmt: skip
    built = build(request, before)
    await inject(kube, built)
    await wait_for_container(kube, "default", "incident", built.container_name, timeout=20)
    attach = AttachSession(kube, "default", "incident", built.container_name)
    with CastRecorder(cast, width=80, height=24, record_input=True) as recorder:
        await attach.start(80, 24)
        for line in (
            b"echo marker-$((6*7)) $API_TOKEN\r",
            f"export MY_PASSWORD={TYPED}; echo Authorization: Bearer {BEARER}\r".encode(),
            b"echo done-$((1+1))\r",  # its output, not the tty's echo, ends the reading
        ):
            recorder.input(line)
            await attach.write(line)
        seen = await read_until(attach, b"done-2")
        recorder.output(seen)
        await attach.close()
    raw = await asyncio.to_thread(cast.read_bytes)
    assert CANARY.encode() in seen and TYPED.encode() in raw  # really recorded
    return request, built, before


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def recorded(
    shared_kube: KubeSession, tmp_path_factory: pytest.TempPathFactory
) -> tuple[DebugRequest, Any, dict, Path]:
    cast = tmp_path_factory.mktemp("cast") / "session.cast"
    request, built, before = await _debug_session(shared_kube, cast)
    return request, built, before, cast


@pytest.mark.parametrize("suffix", ["bundle", "bundle.tar.gz"])
async def test_bundle_has_everything_and_no_secret(
    shared_kube: KubeSession, tmp_path: Path, suffix: str, recorded: tuple
) -> None:
    request, built, before, cast = recorded
    after, events = await collect_incident(shared_kube, "default", "incident")
    assert after is not None and events, "the sandbox records events for the pod"
    now = time.time()
    out = export_bundle(
        tmp_path / suffix, request=request, built=built, pod_before=before, pod_after=after,
        events=events, cast_path=cast, timestamps={"opened": now - 5, "injected": now},
        outcome="detached",
    )  # fmt: skip
    if suffix.endswith(".tar.gz"):
        with tarfile.open(out) as tar:
            tar.extractall(tmp_path / "x", filter="data")
        [root] = list((tmp_path / "x").iterdir())
    else:
        root = out
    files = _all_bytes(root)
    assert set(files) >= {
        "README.txt", "summary.txt", "timestamps.yaml", "request.yaml", "sent.yaml",
        "pod-before.yaml", "pod-after.yaml", "events.yaml", "session.cast", "MANIFEST.sha256",
    }  # fmt: skip
    for name, data in files.items():
        for secret in (CANARY, TYPED, BEARER):
            assert secret.encode() not in data, f"{secret} leaked into {name}"
    sent = yaml.safe_load(files["sent.yaml"])
    container = sent[0]["body"]["spec"]["ephemeralContainers"][0]
    env = {e["name"]: e for e in container["env"]}
    assert env["API_TOKEN"]["value"] == MASK and env["MODE"]["value"] == "prod"
    assert env["DB_PASSWORD"]["valueFrom"] == {"secretKeyRef": {"name": "db", "key": "pw"}}
    after_pod = yaml.safe_load(files["pod-after.yaml"])
    assert any(c["name"] == built.container_name for c in after_pod["spec"]["ephemeralContainers"])
    cast_lines = files["session.cast"].decode().splitlines()
    assert json.loads(cast_lines[0])["version"] == 2
    played = "".join(json.loads(line)[2] for line in cast_lines[1:])
    assert "marker-42" in played and MASK in played
    assert "injected" in files["summary.txt"].decode()
    if suffix == "bundle":  # the same export unredacted does contain them: the check can fail
        plain = export_bundle(
            tmp_path / "plain", request=request, built=built, pod_before=before,
            pod_after=after, events=events, cast_path=cast, redact=False,
        )  # fmt: skip
        leaked = b"".join(_all_bytes(plain).values())
        assert all(s.encode() in leaked for s in (CANARY, TYPED, BEARER))
    assert b"detached" in files["summary.txt"]
