"""The incident record: one directory or .tar.gz that says what was done to which pod.

Contents (every file goes through `Bundle.add`, which redacts it, see redaction.py):
  README.txt          what each file is
  summary.txt         pod, container, image, mode, outcome and the timeline in words
  timestamps.yaml     the moments the caller recorded (ISO 8601 UTC and epoch seconds)
  request.yaml        the DebugRequest as the user chose it
  sent.yaml           the exact API call(s) sent (method, path, body)
  pod-before.yaml     the pod before the debugger was added
  pod-after.yaml      the pod afterwards (with the debugger's status)
  events.yaml         the pod's events
  session.cast        the terminal recording (asciinema v2), if there was one
  session-N.cast      the recordings of the other panes on the same debugger (a second shell)
  MANIFEST.sha256     sha256 of every file above

Headless (no textual): the UI calls `export_bundle` in a worker thread or task.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .redaction import Redactor

README = """kdebug-tui incident record
summary.txt       what happened, in words
timestamps.yaml   when (UTC)
request.yaml      the debug request as chosen in kdebug-tui
sent.yaml         the API call(s) sent to the cluster
pod-before.yaml   the pod before, pod-after.yaml the pod after
events.yaml       the pod's events
session.cast      the terminal session (play with `asciinema play session.cast`)
session-N.cast    other shells on the same debugger, if any
MANIFEST.sha256   checksums (sha256sum -c MANIFEST.sha256)
Secret-looking values are replaced by [REDACTED]; secret references are kept.
"""


def export_bundle(
    path: str | os.PathLike[str],
    *,
    request: Any = None,
    built: Any = None,
    sent: Any = None,
    pod_before: Mapping[str, Any] | None = None,
    pod_after: Mapping[str, Any] | None = None,
    events: Iterable[Mapping[str, Any]] = (),
    cast_path: str | os.PathLike[str] | None = None,
    more_casts: Iterable[str | os.PathLike[str]] = (),
    timestamps: Mapping[str, float | str | dt.datetime] | None = None,
    redact: bool = True,
    extra_secrets: Iterable[str] = (),
    outcome: str = "",
) -> Path:
    """Write the bundle to `path` (a directory, or a .tar.gz / .tgz file); returns it.

    `sent` is what actually went over the wire (a dict body, or a list of {method, path,
    body}); without it the built call is used. `extra_secrets` are values to mask wherever
    they appear (e.g. a token the user typed)."""
    target = Path(path)
    redactor = Redactor(extra_secrets)
    event_list: list[dict[str, Any]] = [dict(e) for e in events]
    parts: dict[str, Any] = {
        "request.yaml": _plain(request),
        "sent.yaml": _sent(sent, built),
        "pod-before.yaml": dict(pod_before) if pod_before else None,
        "pod-after.yaml": dict(pod_after) if pod_after else None,
        "events.yaml": event_list,
    }
    cast_lines = _read_cast(cast_path)
    others = [lines for lines in (_read_cast(p) for p in more_casts) if lines]
    summary = _summary(request, built, pod_before, pod_after, event_list, timestamps, outcome)
    if cast_path is not None and not cast_lines:
        summary += f"\nrecording: {cast_path} could not be read; not included\n"
    if redact:
        # Every secret found anywhere is learned first, then masked everywhere: a password
        # typed in the shell is also hidden where the pod's YAML happens to show it.
        for value in parts.values():
            redactor.learn(value)
        if cast_lines:
            redactor.learn_cast(cast_lines)
        for lines in others:
            redactor.learn_cast(lines)
        redactor.learn_text(summary)
        parts = {name: redactor.structure(value) for name, value in parts.items()}
        if cast_lines:
            cast_lines = redactor.cast(cast_lines)
        others = [redactor.cast(lines) for lines in others]

    bundle = Bundle(redactor if redact else None)
    bundle.add("README.txt", README)
    bundle.add("summary.txt", summary)
    bundle.add("timestamps.yaml", _dump(_timestamps(timestamps)))
    for name, value in parts.items():
        if value is not None:
            bundle.add(name, _dump(value))
    if cast_lines:
        bundle.add("session.cast", "\n".join(cast_lines) + "\n", cast=True)
    for number, lines in enumerate(others, start=2):
        bundle.add(f"session-{number}.cast", "\n".join(lines) + "\n", cast=True)
    bundle.add(
        "MANIFEST.sha256",
        "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in bundle.items()),
    )
    try:
        _write(target, bundle)
    except OSError as exc:
        raise IncidentExportError(
            f"cannot write the incident record to {target}: {exc.strerror or exc}"
            " (nothing was written)"
        ) from None
    return target


class IncidentExportError(Exception):
    """The record could not be written (plain text, for the UI to show as is)."""


class Bundle:
    """The files of one record. `add` is the only way in, and it redacts: a file added to
    the record later cannot skip redaction by accident."""

    def __init__(self, redactor: Redactor | None) -> None:
        self._redactor = redactor
        self._files: dict[str, bytes] = {}

    def add(self, name: str, text: str, *, cast: bool = False) -> None:
        """Add `name`. A recording was already redacted event by event (`Redactor.cast`,
        which sees secrets split across chunks); its lines are JSON, so a text pass over
        them again would only see escaped text."""
        if self._redactor is not None and not cast:
            text = self._redactor.text(text)
        self._files[name] = text.encode("utf-8", "replace")

    def items(self) -> list[tuple[str, bytes]]:
        return list(self._files.items())


def _write(target: Path, bundle: Bundle) -> None:
    """A private (0700/0600) directory, or a .tar.gz holding one, or nothing at all.

    Everything is written under a temporary name in the destination's directory and
    renamed into place once complete: a full disk or any other failure leaves no partial
    or empty record behind (the temporary is removed), never a file others can read."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if target.name.endswith((".tar.gz", ".tgz")):
        _write_tarball(target, bundle)
    else:
        _write_folder(target, bundle)


def _write_tarball(target: Path, bundle: Bundle) -> None:
    fd, temp = tempfile.mkstemp(prefix=".kdebug-incident-", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                folder = _folder_name(target)
                now = time.time()
                tar.addfile(_member(folder, 0, now, directory=True))
                for name, data in bundle.items():
                    tar.addfile(_member(f"{folder}/{name}", len(data), now), io.BytesIO(data))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _member(name: str, size: int, mtime: float, *, directory: bool = False) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE if directory else tarfile.REGTYPE
    info.mode = 0o700 if directory else 0o600  # an incident record stays the user's own
    info.size = size
    info.mtime = int(mtime)
    return info


def _write_folder(target: Path, bundle: Bundle) -> None:
    temp = Path(tempfile.mkdtemp(prefix=".kdebug-incident-", suffix=".part", dir=target.parent))
    try:
        for name, data in bundle.items():
            fd = os.open(temp / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        os.rename(temp, target)  # fails on an existing non-empty folder: nothing is mixed
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _folder_name(target: Path) -> str:
    name = target.name
    for suffix in (".tar.gz", ".tgz"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "incident"


def _plain(obj: Any) -> Any:
    """Dataclasses (DebugRequest, BuiltDebug...) as plain YAML-able data."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [_plain(v) for v in obj]
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    return str(obj)


def _sent(sent: Any, built: Any) -> Any:
    if sent is not None:
        return _plain(sent)
    if built is None:
        return None
    calls = [{"method": built.method, "path": built.path, "body": _plain(built.body)}]
    if getattr(built, "delete_original", None):
        calls.append(
            {
                "method": "DELETE",
                "path": f"/api/v1/namespaces/{built.namespace}/pods/{built.delete_original}",
            }
        )
    return calls


def _read_cast(cast_path: str | os.PathLike[str] | None) -> list[str]:
    if cast_path is None:
        return []
    try:
        text = Path(cast_path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []  # no recording to include; the summary says so
    lines = [line for line in text.splitlines() if line.strip()]
    try:
        json.loads(lines[0]) if lines else None
    except ValueError:
        return []
    good = [lines[0]]
    for line in lines[1:]:
        try:
            json.loads(line)
        except ValueError:
            continue  # a torn last line of a crashed recording
        good.append(line)
    return good


def _when(value: float | str | dt.datetime) -> dict[str, Any]:
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    elif isinstance(value, int | float):
        moment = dt.datetime.fromtimestamp(value, dt.UTC)
    else:
        return {"text": str(value)}
    utc = moment.astimezone(dt.UTC)
    return {"utc": utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "epoch": round(utc.timestamp(), 6)}


def _timestamps(timestamps: Mapping[str, Any] | None) -> dict[str, Any]:
    return {name: _when(value) for name, value in (timestamps or {}).items()}


def _summary(
    request: Any,
    built: Any,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    events: list[dict[str, Any]],
    timestamps: Mapping[str, Any] | None,
    outcome: str,
) -> str:
    meta = (after or before or {}).get("metadata") or {}
    lines = ["kdebug-tui incident record", ""]
    lines.append(f"pod:        {meta.get('namespace', '?')}/{meta.get('name', '?')}")
    if built is not None:
        lines.append(f"mode:       {built.mode}")
        lines.append(f"debugger:   {built.container_name or '-'} in pod {built.pod_name}")
        lines.append(f"image:      {built.image or '-'}")
        for note in getattr(built, "notes", ()) or ():
            lines.append(f"note:       {note}")
        for warning in built.warnings:
            lines.append(f"warning:    {warning}")
    if request is not None:
        lines.append(f"profile:    {getattr(request, 'profile', '?')}")
        lines.append(f"target:     {getattr(request, 'target', None) or '-'}")
    if outcome:
        lines.append(f"outcome:    {outcome}")
    lines.append(f"events:     {len(events)}")
    lines.append("")
    lines.append("timeline (UTC):")
    for name, value in (timestamps or {}).items():
        when = _when(value)
        lines.append(f"  {when.get('utc', when.get('text'))}  {name}")
    return "\n".join(lines) + "\n"


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=False, default_flow_style=False, allow_unicode=True)
