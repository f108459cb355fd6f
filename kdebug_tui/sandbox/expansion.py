"""The kubelet's `$(VAR)` expansion of a container's env values, command and args.

Kubernetes expands these before the runtime sees them (its forked `expansion.Expand`):
`$(NAME)` becomes the value of env var NAME when the container defines it and stays verbatim
otherwise, `$$` becomes one literal `$`, and any other `$` is kept. So a script written with
the shell's `$$` runs with a lone `$` on a real node; the sandbox must do the same, or it
would hide that bug (PROTOCOL.md, "kubelet expansion").
"""

from __future__ import annotations

from collections.abc import Mapping


def expand(text: str, env: Mapping[str, str]) -> str:
    """`text` with `$(NAME)` references replaced and `$$` unescaped, as the kubelet does."""
    out: list[str] = []
    checkpoint = 0
    cursor = 0
    while cursor < len(text):
        if text[cursor] == "$" and cursor + 1 < len(text):
            out.append(text[checkpoint:cursor])
            read, is_var, advance = _read_name(text[cursor + 1 :])
            if is_var:
                out.append(env.get(read, f"$({read})"))
            else:
                out.append(read)
            cursor += advance
            checkpoint = cursor + 1
        cursor += 1
    out.append(text[checkpoint:])
    return "".join(out)


def _read_name(rest: str) -> tuple[str, bool, int]:
    """(what was read, whether it names a variable, how many characters it used)."""
    if rest[0] == "$":
        return "$", False, 1
    if rest[0] == "(":
        close = rest.find(")", 1)
        if close != -1:
            return rest[1:close], True, close + 1
        return "$(", False, 1
    return "$" + rest[0], False, 1


def expand_all(items: list[str] | None, env: Mapping[str, str]) -> list[str] | None:
    return None if items is None else [expand(str(item), env) for item in items]
