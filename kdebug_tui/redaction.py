"""Keep secrets out of what leaves the machine (incident bundles): pure, headless.

Two layers, because neither alone is enough:

1. structure: in API objects and kubeconfigs, values of env entries whose *name* looks
   secret (TOKEN, PASSWORD, SECRET, KEY, CREDENTIAL...) and credential fields (token,
   client-key-data, password, Authorization...) are replaced. References (`valueFrom:
   secretKeyRef`) are kept: they say where a value lives, not what it is.
2. text: every value removed in step 1 is also replaced wherever else it appears (the
   last-applied annotation, a terminal recording), and patterns catch what no structure
   announced: `NAME=value` with a secret-looking NAME, `Authorization:` lines, `Bearer x`,
   JWTs, PEM private keys.

A terminal recording is redacted over its joined output, so a secret split across two
recorded chunks is still found.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

MASK = "[REDACTED]"
MIN_KNOWN = 4  # shorter "secrets" would blank out ordinary text

SECRET_NAME = re.compile(
    r"TOKEN|PASSW|SECRET|KEY|CREDENTIAL|AUTH|PRIVATE|COOKIE|SESSION|CERT|PWD|DSN|SIGNATURE",
    re.IGNORECASE,
)
# Credential fields of kubeconfigs and auth-ish objects (exact keys, lower-cased).
CREDENTIAL_KEYS = frozenset(
    {
        "token", "password", "client-key-data", "client-certificate-data", "id-token",
        "refresh-token", "access-token", "authorization", "bearer", "apikey", "api-key",
        "secret", "client-secret", "private-key", "privatekey", "tokenfile",
    }
)  # fmt: skip
_NAME = r"[A-Za-z_][A-Za-z0-9_.-]*"
_PATTERNS = (
    # NAME=value and NAME: value where NAME looks secret (env, shell, YAML-ish lines)
    re.compile(
        rf"(?P<keep>\b(?P<name>{_NAME})[ \t]*(?:=|:[ \t])[ \t]*[\"']?)(?P<secret>[^\s\"']+)"
    ),
    re.compile(r"(?P<keep>(?i:authorization)[\"']?\s*[:=]\s*[\"']?)(?P<secret>[^\r\n\"']+)"),
    re.compile(r"(?P<keep>(?i:bearer)\s+)(?P<secret>[A-Za-z0-9._~+/=-]{8,})"),
    re.compile(r"(?P<keep>)(?P<secret>eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*)"),
    re.compile(r"(?P<keep>-----BEGIN [A-Z ]*PRIVATE KEY-----)(?P<secret>[\s\S]*?)(?=-----END)"),
)


def looks_secret(name: str) -> bool:
    return bool(SECRET_NAME.search(name))


class Redactor:
    """Collects known secret values while redacting structures, then scrubs text."""

    def __init__(self, extra: Iterable[str] = ()) -> None:
        self.known: set[str] = {s for s in extra if len(s) >= MIN_KNOWN}

    # -- structures --------------------------------------------------------------------
    def learn(self, obj: Any) -> None:
        """Find secret values in `obj` (without changing it), to scrub them everywhere."""
        self._walk(obj, collect=True)

    def structure(self, obj: Any) -> Any:
        """A redacted deep copy of `obj` (dicts, lists, dataclass-like dicts)."""
        self._walk(obj, collect=True)
        return self._scrub_all(self._walk(obj, collect=False))

    def _walk(self, obj: Any, *, collect: bool) -> Any:
        if isinstance(obj, dict):
            out: dict[Any, Any] = {}
            is_env = isinstance(obj.get("name"), str) and "value" in obj
            for key, value in obj.items():
                secret = (is_env and key == "value" and looks_secret(obj["name"])) or (
                    isinstance(key, str) and key.lower() in CREDENTIAL_KEYS
                )
                if secret and isinstance(value, str) and value:
                    if collect and len(value) >= MIN_KNOWN:
                        self.known.add(value)
                    out[key] = MASK
                else:
                    out[key] = self._walk(value, collect=collect)
            return out
        if isinstance(obj, list | tuple):
            return [self._walk(item, collect=collect) for item in obj]
        return obj

    def _scrub_all(self, obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: self._scrub_all(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self._scrub_all(v) for v in obj]
        if isinstance(obj, str):
            return self.text(obj)
        return obj

    # -- text --------------------------------------------------------------------------
    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character ranges of `text` to mask (merged, sorted)."""
        found: list[tuple[int, int]] = []
        for value in self.known:
            start = text.find(value)
            while start >= 0:
                found.append((start, start + len(value)))
                start = text.find(value, start + 1)
        for pattern in _PATTERNS:
            for match in pattern.finditer(text):
                name = match.groupdict().get("name")
                if name is not None and not looks_secret(name):
                    continue
                secret = match.group("secret")
                if secret and secret != MASK:
                    found.append((match.start("secret"), match.end("secret")))
        found.sort()
        merged: list[tuple[int, int]] = []
        for start, end in found:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def text(self, text: str) -> str:
        out, last = [], 0
        for start, end in self.spans(text):
            out.append(text[last:start])
            out.append(MASK)
            last = end
        out.append(text[last:])
        return "".join(out)

    def cast(self, lines: list[str]) -> list[str]:
        """An asciicast v2 recording (header + event lines), redacted across event borders."""
        if not lines:
            return []
        header = json.loads(lines[0])
        events = [json.loads(line) for line in lines[1:] if line.strip()]
        out = [json.dumps(self._scrub_all(header))]
        for code in ("o", "i"):
            chosen = [e for e in events if isinstance(e, list) and len(e) == 3 and e[1] == code]
            joined = "".join(str(e[2]) for e in chosen)
            masked = self._mask_positions(joined)
            pos = 0
            for event in chosen:
                data = str(event[2])
                event[2] = _apply(data, masked, pos)
                pos += len(data)
        out.extend(json.dumps(e) for e in events)
        return out

    def _mask_positions(self, text: str) -> set[int]:
        return {i for start, end in self.spans(text) for i in range(start, end)}


def _apply(data: str, masked: set[int], offset: int) -> str:
    """`data` with masked characters replaced; one MASK per masked run."""
    out: list[str] = []
    in_mask = False
    for i, ch in enumerate(data):
        if offset + i in masked:
            if not in_mask:
                out.append(MASK)
                in_mask = True
        else:
            out.append(ch)
            in_mask = False
    return "".join(out)
