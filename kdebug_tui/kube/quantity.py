"""Kubernetes resource quantities: parse (`250m`, `1.5`, `64Mi`, `1G`, `2e3`) and print them
back in the canonical form kubectl uses (`60m`, `2`, `48Mi`), for describe and metrics."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
DECIMAL = {
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal(10**3),
    "M": Decimal(10**6),
    "G": Decimal(10**9),
    "T": Decimal(10**12),
    "P": Decimal(10**15),
    "E": Decimal(10**18),
}
_RE = re.compile(r"^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$")


def parse(text: object) -> Decimal | None:
    """The value of a quantity in base units (cores, bytes); None if it is not one."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return Decimal(str(text))
    if not isinstance(text, str):
        return None
    m = _RE.match(text.strip())
    if not m:
        return None
    try:
        number = Decimal(m.group(1))
    except InvalidOperation:
        return None
    suffix = m.group(2) or ""
    return number * (BINARY[suffix] if suffix in BINARY else DECIMAL[suffix])


def is_binary(text: object) -> bool:
    return isinstance(text, str) and text.strip()[-2:] in BINARY


def millis(text: object) -> int:
    """CPU in millicores (0 when absent or unparseable); rounds up as MilliValue does."""
    value = parse(text)
    if value is None:
        return 0
    return int((value * 1000).to_integral_value(rounding="ROUND_CEILING"))


def value(text: object) -> int:
    """Bytes (or a plain count), rounded up as Quantity.Value does."""
    parsed = parse(text)
    return 0 if parsed is None else int(parsed.to_integral_value(rounding="ROUND_CEILING"))


def format_cpu(milli: int) -> str:
    """Canonical DecimalSI for CPU: `2`, `250m`, `0`."""
    return str(milli // 1000) if milli % 1000 == 0 else f"{milli}m"


def format_bytes(count: int, binary: bool = True) -> str:
    """Canonical form of a byte count: the largest exact binary (or decimal) suffix."""
    if count == 0:
        return "0"
    if binary:
        for suffix, size in reversed(BINARY.items()):
            if count % size == 0:
                return f"{count // size}{suffix}"
        return str(count)
    for suffix in ("E", "P", "T", "G", "M", "k"):
        size = int(DECIMAL[suffix])
        if count % size == 0:
            return f"{count // size}{suffix}"
    return str(count)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def qos_class(spec: dict[str, Any]) -> str:
    """The QoS class the API server gives a pod: Guaranteed when every container limits cpu
    and memory with requests equal to the limits, BestEffort when nothing is requested or
    limited, Burstable otherwise."""
    containers = [
        c for key in ("containers", "initContainers") for c in spec.get(key) or []
        if isinstance(c, dict)
    ]  # fmt: skip
    any_set = False
    guaranteed = bool(containers)
    for c in containers:
        res = _mapping(c.get("resources"))
        requests, limits = _mapping(res.get("requests")), _mapping(res.get("limits"))
        if any(parse(v) for v in [*requests.values(), *limits.values()]):
            any_set = True
        for name in ("cpu", "memory"):
            if name not in limits or parse(requests.get(name, limits[name])) != parse(limits[name]):
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def percent(part: int, whole: int) -> int:
    """int64(float64(part)/float64(whole)*100), as kubectl computes its percentages."""
    return int(part / whole * 100) if whole else 0
