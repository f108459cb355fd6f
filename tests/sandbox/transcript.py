"""The recorded kubectl transcript (fixtures/real-cluster/kubectl-transcript-v1.24.txt).

`command_output(...)` returns what kubectl printed for a command as recorded, so a sandbox
test compares with the real cluster's text instead of a copy pasted into the test.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from tests.conftest import FIXTURES

PATH = FIXTURES / "real-cluster" / "kubectl-transcript-v1.24.txt"


@functools.cache
def _text() -> str:
    return PATH.read_text()


def command_output(command: str) -> tuple[str, int]:
    """(output, exit code) recorded for `### $ <command>`; KeyError when not recorded."""
    lines = _text().splitlines()
    marker = f"### $ {command}"
    for index, line in enumerate(lines):
        if line == marker:
            out: list[str] = []
            for rest in lines[index + 1 :]:
                if rest.startswith("### rc="):
                    return "\n".join(out) + ("\n" if out else ""), int(rest[7:])
                out.append(rest)
    raise KeyError(command)


def section(title_start: str) -> str:
    """The text of a `===== N <title>` section whose title starts with `title_start`."""
    parts = _text().split("\n===== ")
    for part in parts:
        head, _, body = part.partition("\n")
        title = head.removeprefix("===== ").split(" ", 1)[-1]
        if title.startswith(title_start):
            return body
    raise KeyError(title_start)


def ephemeral_statuses() -> list[dict[str, Any]]:
    """Section 11: `status.ephemeralContainerStatuses` of pod demo, in the recorded order."""
    return [json.loads(line) for line in section("get pod demo ephemeral").splitlines() if line]
