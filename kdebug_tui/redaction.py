"""Keep secrets out of what leaves the machine (incident bundles): pure, headless.

Two layers, because neither alone is enough:

1. structure: in API objects, kubeconfigs and any JSON/YAML-shaped data, the value of a key
   whose name announces a secret (password, token, client_secret, api-key, auth... at any
   depth, see redaction_patterns.is_secret_name), of an env entry whose *name* does, of a
   Secret's data, and of an argument after `--password`-like flags is replaced. References
   (`valueFrom: secretKeyRef`, `secretName`) are kept: they say where a value lives.
2. text: every value removed in step 1, or found by a text pattern anywhere, is also
   replaced wherever else it appears (the last-applied annotation, a terminal recording),
   and patterns catch what no structure announced (redaction_patterns.find_secrets):
   `NAME=value` in any quoting, URL userinfo, `mysql -p...`, `curl -u u:p`,
   `Authorization:`, JWTs, PEM keys, AWS and other well-known token shapes.

Text is searched with its terminal escapes removed, so a secret inside coloured output
(`grep --color`, `jq`) is found; the escapes themselves are kept. A terminal recording is
redacted over its joined output, so a secret split across recorded chunks is still found.
"""

from __future__ import annotations

import bisect
import itertools
import json
from collections.abc import Iterable
from typing import Any

from .redaction_patterns import MASK, Visible, find_secrets, is_secret_name

MIN_KNOWN = 4  # shorter "secrets" would blank out ordinary text
MIN_LEARNED = 6  # values found by a text pattern are masked elsewhere only from this length
# At most this many values found by text patterns are searched for everywhere (each costs a
# pass over every text): a flood of generated `token=...` lines must not make export hang.
# The lines themselves are masked by the patterns either way.
MAX_LEARNED = 256

__all__ = ["MASK", "MIN_KNOWN", "Redactor", "looks_secret"]


def looks_secret(name: str) -> bool:
    return is_secret_name(name)


class Redactor:
    """Collects known secret values while redacting structures, then scrubs text."""

    def __init__(self, extra: Iterable[str] = ()) -> None:
        self.known: set[str] = {s for s in extra if len(s) >= MIN_KNOWN}
        self._learned = 0
        self._found: dict[str, list[tuple[int, int]]] = {}

    # -- learning ------------------------------------------------------------------------
    def learn(self, obj: Any) -> None:
        """Find secret values in `obj` (without changing it), to scrub them everywhere:
        the values under secret names, and what text patterns find in its strings."""
        self._walk(obj, collect=True)
        for text in _strings(obj):
            self.learn_text(text)

    def learn_text(self, text: str) -> None:
        """Remember the secret values a text pattern finds in `text` (e.g. a recording)."""
        visible = Visible(text).text
        for start, end in self._find(visible):
            value = visible[start:end].strip()
            if self._learned >= MAX_LEARNED:
                return
            if len(value) >= MIN_LEARNED and "\n" not in value and value not in self.known:
                self.known.add(value)
                self._learned += 1

    def learn_cast(self, lines: list[str]) -> None:
        """`learn_text` over what a recording showed, and over what was typed."""
        events = [json.loads(line) for line in lines[1:] if line.strip()]
        for code in ("o", "i"):
            self.learn_text("".join(str(e[2]) for e in events if _is_event(e) and e[1] == code))

    def _find(self, visible: str) -> list[tuple[int, int]]:
        """find_secrets, remembered for the last few texts: a recording is searched once to
        learn from it and once to mask it."""
        found = self._found.get(visible)
        if found is None:
            found = find_secrets(visible)
            if len(visible) > 4096:
                if len(self._found) >= 4:
                    self._found.clear()
                self._found[visible] = found
        return list(found)

    # -- structures ----------------------------------------------------------------------
    def structure(self, obj: Any) -> Any:
        """A redacted deep copy of `obj` (dicts, lists, scalars)."""
        self._walk(obj, collect=True)
        return self._scrub_all(self._walk(obj, collect=False))

    def _hide(self, value: Any, *, collect: bool) -> Any:
        """`value` masked (a secret scalar or list of them); other shapes are walked."""
        if isinstance(value, bool) or value is None or value == "":
            return value
        if isinstance(value, str | int | float):
            if collect and len(str(value)) >= MIN_KNOWN:
                self.known.add(str(value))
            return MASK
        if isinstance(value, list | tuple) and all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in value
        ):
            return [self._hide(v, collect=collect) for v in value]
        return self._walk(value, collect=collect)

    def _walk(self, obj: Any, *, collect: bool) -> Any:
        if isinstance(obj, dict):
            env_name = obj.get("name") if "value" in obj else None
            secret_kind = obj.get("kind") == "Secret"
            out: dict[Any, Any] = {}
            for key, value in obj.items():
                secret = (isinstance(key, str) and is_secret_name(key)) or (
                    key == "value" and isinstance(env_name, str) and is_secret_name(env_name)
                )
                if secret_kind and key in ("data", "stringData") and isinstance(value, dict):
                    out[key] = {k: self._hide(v, collect=collect) for k, v in value.items()}
                elif secret:
                    out[key] = self._hide(value, collect=collect)
                else:
                    out[key] = self._walk(value, collect=collect)
            return out
        if isinstance(obj, list | tuple):
            return self._walk_list(list(obj), collect=collect)
        return obj

    def _walk_list(self, items: list[Any], *, collect: bool) -> list[Any]:
        """Items walked; in an argument list, the value after `--password`-like flags hidden."""
        out: list[Any] = []
        hide_next = False
        for item in items:
            if hide_next and isinstance(item, str) and not item.startswith("-"):
                out.append(self._hide(item, collect=collect))
                hide_next = False
                continue
            hide_next = (
                isinstance(item, str)
                and item.startswith("-")
                and "=" not in item
                and " " not in item
                and is_secret_name(item.lstrip("-"))
            )
            out.append(self._walk(item, collect=collect))
        return out

    def _scrub_all(self, obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: self._scrub_all(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self._scrub_all(v) for v in obj]
        if isinstance(obj, str):
            return self.text(obj)
        return obj

    # -- text ----------------------------------------------------------------------------
    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character ranges of `text` (without escapes) to mask, merged and sorted."""
        found = self._find(text)
        for value in self.known:
            start = text.find(value)
            while start >= 0:
                found.append((start, start + len(value)))
                start = text.find(value, start + 1)
        found.sort()
        merged: list[tuple[int, int]] = []
        for start, end in found:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def masks(self, raw: str) -> list[tuple[int, int, bool]]:
        """Ranges of `raw` to replace, escapes skipped: (start, end, starts a MASK)."""
        visible = Visible(raw)
        out: list[tuple[int, int, bool]] = []
        for start, end in self.spans(visible.text):
            for n, (s, e) in enumerate(visible.pieces(start, end)):
                out.append((s, e, n == 0))
        return out

    def text(self, text: str) -> str:
        return _apply(text, self.masks(text), 0)

    def cast(self, lines: list[str]) -> list[str]:
        """An asciicast v2 recording (header + event lines), redacted across event borders."""
        if not lines:
            return []
        header = json.loads(lines[0])
        events = [json.loads(line) for line in lines[1:] if line.strip()]
        out = [json.dumps(self.structure(header))]
        for code in ("o", "i"):
            chosen = [e for e in events if _is_event(e) and e[1] == code]
            masks = self.masks("".join(str(e[2]) for e in chosen))
            ends = [end for _, end, _ in masks]
            pos = 0
            for event in chosen:
                data = str(event[2])
                event[2] = _apply(data, masks, pos, bisect.bisect_right(ends, pos))
                pos += len(data)
        for event in events:
            if _is_event(event) and event[1] not in ("o", "i", "r"):
                event[2] = self.text(str(event[2]))  # markers and codes we do not know
        out.extend(json.dumps(e) for e in events)
        return out


def _strings(obj: Any) -> Iterable[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _strings(value)
    elif isinstance(obj, list | tuple):
        for value in obj:
            yield from _strings(value)


def _is_event(event: Any) -> bool:
    return isinstance(event, list) and len(event) == 3


def _apply(data: str, masks: list[tuple[int, int, bool]], offset: int, first: int = 0) -> str:
    """`data` (which starts at `offset` of the masked text) with the masked ranges replaced.

    A range that starts before `data` (a secret split across recorded chunks) is removed
    without a second MASK. `first` is the index of the first range that may reach `data`."""
    end_of_data = offset + len(data)
    out: list[str] = []
    last = 0
    for start, end, opens in itertools.islice(masks, first, None):
        if end <= offset:
            continue
        if start >= end_of_data:
            break
        s, e = max(start, offset) - offset, min(end, end_of_data) - offset
        out.append(data[last:s])
        if opens and start >= offset:
            out.append(MASK)
        last = e
    out.append(data[last:])
    return "".join(out)
