"""Generated names, spelled the way kubectl spells them.

kubectl draws random suffixes from an alphabet without vowels and without the digits 0, 1
and 3 (k8s.io/apimachinery util/rand), so generated names never spell words and are easy to
read aloud during an incident. Our names follow the same shape so that a container added by
kdebug-tui looks exactly like one added by `kubectl debug`.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterable

ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
SUFFIX_LENGTH = 5

SuffixFunc = Callable[[int], str]


def random_suffix(length: int = SUFFIX_LENGTH) -> str:
    """`length` characters from kubectl's alphabet (cryptographic randomness is cheap here)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def seeded_suffixes(seed: int) -> SuffixFunc:
    """A deterministic suffix source for tests and previews that must not change on redraw."""
    rng = random.Random(seed)

    def suffix(length: int = SUFFIX_LENGTH) -> str:
        return "".join(rng.choice(ALPHABET) for _ in range(length))

    return suffix


def debugger_container_name(taken: Iterable[str], suffix: SuffixFunc = random_suffix) -> str:
    """`debugger-xxxxx`, unique among `taken` (every container, init and ephemeral name)."""
    used = set(taken)
    while True:
        name = f"debugger-{suffix(SUFFIX_LENGTH)}"
        if name not in used:
            return name


def node_debugger_pod_name(node_name: str, suffix: SuffixFunc = random_suffix) -> str:
    """`node-debugger-<node>-xxxxx`, the pod name kubectl uses for `debug node/<node>`."""
    return f"node-debugger-{node_name}-{suffix(SUFFIX_LENGTH)}"


def copy_pod_name(pod_name: str, suffix: SuffixFunc = random_suffix) -> str:
    """A default name for a copy when the user gave none (kubectl insists on --copy-to)."""
    return f"{pod_name}-debug-{suffix(SUFFIX_LENGTH)}"


def pod_container_names(pod: dict | None) -> set[str]:
    """Every container name in a pod: regular, init and ephemeral (names share one space)."""
    if not pod:
        return set()
    spec = pod.get("spec") or {}
    names: set[str] = set()
    for key in ("containers", "initContainers", "ephemeralContainers"):
        for container in spec.get(key) or []:
            name = container.get("name")
            if name:
                names.add(name)
    return names
