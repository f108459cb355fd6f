"""The debug form's choices beyond kubectl debug, remembered between runs.

By default a debug request is exactly what `kubectl debug` with the same flags sends: the
image's own entrypoint, nothing added to the pod. Running as the target's user, sharing its
volumes or env, and the stop wrapper are each an explicit choice; the form remembers the
last choice here (`$XDG_CONFIG_HOME/kdebug-tui/debug-choices.yaml`), so a user who wants
them gets them again without kdebug-tui deciding for everyone. The user's config.yaml is not
rewritten (it may hold their comments); this small file is ours alone.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import yaml

from kdebug_tui.config import default_config_path


@dataclass(frozen=True)
class DebugChoices:
    """Each field adds something kubectl would not send (the preview says what)."""

    same_user: bool = False  # securityContext.runAsUser/runAsGroup of the target
    share_volumes: bool = False  # the target's volumeMounts
    share_env: bool = False  # the target's env and envFrom
    stoppable: bool = False  # the sh wrapper that records its pid (needs a command)


def choices_path(environ: dict[str, str] | None = None) -> Path:
    return default_config_path(environ).with_name("debug-choices.yaml")


def load_choices(path: Path | None = None) -> DebugChoices:
    """The remembered choices; kubectl's behaviour (all off) when none are, or when the
    file is unreadable (a broken file must not switch extras on)."""
    file = path or choices_path()
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return DebugChoices()
    if not isinstance(data, dict):
        return DebugChoices()
    known = {f.name for f in fields(DebugChoices)}
    return DebugChoices(**{k: v for k, v in data.items() if k in known and v is True})


def save_choices(choices: DebugChoices, path: Path | None = None) -> None:
    """Write atomically (a crash leaves the old file or the new one, never half of one)."""
    file = path or choices_path()
    file.parent.mkdir(parents=True, exist_ok=True)
    text = "# kdebug-tui: the debug form's last choices beyond kubectl debug\n"
    text += yaml.safe_dump(asdict(choices), sort_keys=False)
    fd, temp = tempfile.mkstemp(prefix=".debug-choices-", dir=file.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
