"""render never raises, whatever shape a (broken or hostile) server gives a pod."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdebug_tui.kube.render import container_rows, ephemeral_rows, pod_row
from kdebug_tui.kube.store import PodStore
from kdebug_tui.kube.watch import WatchState, WatchUpdate
from tests.conftest import load_fixture

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["2026-11-21T19:44:17Z", "not-a-date", "", "Completed", "Always", "True"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)

# Paths inside a real pod whose values we replace with anything at all.
PATHS = [
    ("metadata",),
    ("metadata", "creationTimestamp"),
    ("metadata", "deletionTimestamp"),
    ("metadata", "labels"),
    ("metadata", "annotations"),
    ("spec",),
    ("spec", "containers"),
    ("spec", "initContainers"),
    ("spec", "ephemeralContainers"),
    ("spec", "ephemeralContainers", 0),
    ("spec", "ephemeralContainers", 0, "securityContext"),
    ("spec", "ephemeralContainers", 0, "env"),
    ("status",),
    ("status", "phase"),
    ("status", "reason"),
    ("status", "conditions"),
    ("status", "podIPs"),
    ("status", "containerStatuses"),
    ("status", "containerStatuses", 0),
    ("status", "containerStatuses", 0, "state"),
    ("status", "containerStatuses", 0, "lastState"),
    ("status", "containerStatuses", 0, "restartCount"),
    ("status", "initContainerStatuses"),
    ("status", "ephemeralContainerStatuses", 0),
    ("status", "ephemeralContainerStatuses", 0, "state"),
]

BASE = load_fixture("pod-with-ephemeral-containers.json")


def mutate(pod: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    target: Any = pod
    for key in path[:-1]:
        if isinstance(target, dict) and isinstance(key, str):
            target = target.setdefault(key, {})
        elif isinstance(target, list) and isinstance(key, int) and len(target) > key:
            target = target[key]
        else:
            return pod
    last = path[-1]
    fits_dict = isinstance(target, dict) and isinstance(last, str)
    fits_list = isinstance(target, list) and isinstance(last, int) and len(target) > last
    if fits_dict or fits_list:
        target[last] = value
    return pod


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), json_values), min_size=1, max_size=4))
def test_render_survives_any_pod_shape(edits: list[tuple[tuple[Any, ...], Any]]) -> None:
    pod = copy.deepcopy(BASE)
    for path, value in edits:
        pod = mutate(pod, path, value)
    row = pod_row(pod, 1.8e9)
    assert isinstance(row.status, str) and isinstance(row.ready, str)
    for c in container_rows(pod, 1.8e9):
        assert isinstance(c.state, str)
    ephemeral_rows([pod], 1.8e9)
    store = PodStore()
    store.apply(WatchUpdate("ADDED", pod, WatchState("live")))
    store.apply(WatchUpdate("RELISTED", None, WatchState("live"), pods=[pod]))


@given(json_values)
def test_render_survives_a_pod_that_is_not_even_a_dict(value: Any) -> None:
    pod = value if isinstance(value, dict) else {"spec": value, "status": value, "metadata": {}}
    pod_row(pod, 0)
    container_rows(pod, 0)
    ephemeral_rows([pod], 0)
