"""Redaction of structures, text and terminal recordings (pure)."""

from __future__ import annotations

import json
from pathlib import Path

from kdebug_tui.redaction import MASK, Redactor


def test_a_secret_split_across_recorded_chunks_is_still_masked() -> None:
    header = json.dumps({"version": 2, "width": 80, "height": 24})
    chunks = ["token is CANARY-SE", "CRET-123 and ", "PASSWORD=hun", "ter2 done"]
    lines = [header] + [json.dumps([i * 0.1, "o", c]) for i, c in enumerate(chunks)]
    out = Redactor(["CANARY-SECRET-123"]).cast(lines)
    played = "".join(json.loads(line)[2] for line in out[1:])
    assert "CANARY" not in played and "SE" not in played.split("is ")[1][:3]
    assert "hunter2" not in played.replace(MASK, "") and "ter2" not in played
    assert played.startswith("token is ") and played.endswith(" done")


def test_structures_keep_references_and_mask_credentials() -> None:
    kubeconfig = {
        "users": [{"name": "u", "user": {"token": "sekrit-token-value",
                                         "client-key-data": "LS0tLS1C"}}],
    }  # fmt: skip
    redactor = Redactor()
    clean = redactor.structure(kubeconfig)
    assert clean["users"][0]["user"] == {"token": MASK, "client-key-data": MASK}
    note = redactor.text("used sekrit-token-value and Authorization: Basic dXNlcjpwYXNz")
    assert "sekrit" not in note and "dXNlcjpwYXNz" not in note


def test_export_without_a_readable_recording_still_writes_the_record(tmp_path: Path) -> None:
    from kdebug_tui.incident import export_bundle

    out = export_bundle(
        tmp_path / "b",
        pod_before={"metadata": {"name": "p", "namespace": "n"}},
        cast_path=tmp_path / "missing.cast",
        timestamps={"opened": 0.0},
    )
    summary = (out / "summary.txt").read_text()
    assert "could not be read" in summary and "pod:        n/p" in summary
    assert not (out / "session.cast").exists()
    manifest = (out / "MANIFEST.sha256").read_text()
    assert (
        "summary.txt" in manifest and "1970-01-01T00:00:00" in (out / "timestamps.yaml").read_text()
    )


def test_an_unwritable_destination_is_a_plain_error(tmp_path: Path) -> None:
    import pytest

    from kdebug_tui.incident import IncidentExportError, export_bundle

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(IncidentExportError, match="cannot write the incident record"):
        export_bundle(blocker / "bundle.tar.gz", events=[])
