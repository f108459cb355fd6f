"""The registry of resource kinds the app lists: API path, kubectl's columns, row renderer.

A generic list screen needs nothing else per kind: `KINDS["deployments"]` gives the path to
list and watch, the column headers `kubectl get` prints (wide ones have priority 1), and
`row()` turns API JSON into those cells. The way down from an object to its pods is in
kube/owners.py.

Typical use from the UI layer (through its services, never from a widget):

    kind = lookup(":deploy")                     # -> KINDS["deployments"]
    items = await owners.list_objects(session, kind, "shop")
    headers = kind.headers()                     # NAME READY UP-TO-DATE AVAILABLE AGE
    cells = kind.row(items[0], time.time())      # == what `kubectl get` prints
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from kdebug_tui.kube import printers
from kdebug_tui.kube.podfields import d, s

Obj = dict[str, Any]


@dataclass(frozen=True)
class Column:
    """One column of a kubectl Table: priority 1 columns appear only with `-o wide`."""

    name: str
    priority: int = 0
    type: str = "string"
    format: str = ""
    description: str = ""

    @property
    def header(self) -> str:
        """The header as kubectl prints it (the column's name in upper case)."""
        return self.name.upper()


@dataclass(frozen=True)
class KindDef:
    """Everything generic code needs about one kind."""

    resource: str  # plural, as in the API path
    kind: str
    group: str  # "" for the core group
    version: str
    namespaced: bool
    columns: tuple[Column, ...]
    cells: Callable[[Obj, float], list[Any]] = field(repr=False)
    short_names: tuple[str, ...] = ()
    singular: str = ""
    categories: tuple[str, ...] = ()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def list_kind(self) -> str:
        return self.kind + "List"

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        """The REST path: all namespaces when `namespace` is None (or the kind is cluster-wide)."""
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            base += f"/namespaces/{quote(namespace, safe='')}"
        base += f"/{self.resource}"
        return base + (f"/{quote(name, safe='')}" if name else "")

    def headers(self, wide: bool = False) -> list[str]:
        return [c.header for c in self.columns if wide or c.priority == 0]

    def row(self, obj: Obj, now: float, wide: bool = False) -> list[str]:
        """The cells kubectl prints for `obj` (as text), without the wide ones unless asked."""
        cells = self.cells(obj, now)
        return [
            str(cell)
            for cell, col in zip(cells, self.columns, strict=False)
            if wide or col.priority == 0
        ]


def _c(name: str, priority: int = 0, type_: str = "string", fmt: str = "") -> Column:
    return Column(name, priority, type_, fmt)


_NAME = _c("Name", fmt="name")
_AGE = _c("Age")
_WIDE_TEMPLATE = (_c("Containers", 1), _c("Images", 1), _c("Selector", 1))

KINDS: dict[str, KindDef] = {
    k.resource: k
    for k in (
        KindDef(
            "pods",
            "Pod",
            "",
            "v1",
            True,
            (
                _NAME,
                _c("Ready"),
                _c("Status"),
                _c("Restarts"),
                _AGE,
                _c("IP", 1),
                _c("Node", 1),
                _c("Nominated Node", 1),
                _c("Readiness Gates", 1),
            ),
            printers.pod_cells,
            ("po",),
            "pod",
            ("all",),
        ),
        KindDef(
            "deployments",
            "Deployment",
            "apps",
            "v1",
            True,
            (
                _NAME,
                _c("Ready"),
                _c("Up-to-date", type_="integer"),
                _c("Available", type_="integer"),
                _AGE,
                *_WIDE_TEMPLATE,
            ),
            printers.deployment_cells,
            ("deploy",),
            "deployment",
            ("all",),
        ),
        KindDef(
            "replicasets",
            "ReplicaSet",
            "apps",
            "v1",
            True,
            (
                _NAME,
                _c("Desired", type_="integer"),
                _c("Current", type_="integer"),
                _c("Ready", type_="integer"),
                _AGE,
                *_WIDE_TEMPLATE,
            ),
            printers.replicaset_cells,
            ("rs",),
            "replicaset",
            ("all",),
        ),
        KindDef(
            "statefulsets",
            "StatefulSet",
            "apps",
            "v1",
            True,
            (_NAME, _c("Ready"), _AGE, _c("Containers", 1), _c("Images", 1)),
            printers.statefulset_cells,
            ("sts",),
            "statefulset",
            ("all",),
        ),
        KindDef(
            "daemonsets",
            "DaemonSet",
            "apps",
            "v1",
            True,
            (
                _NAME,
                _c("Desired", type_="integer"),
                _c("Current", type_="integer"),
                _c("Ready", type_="integer"),
                _c("Up-to-date", type_="integer"),
                _c("Available", type_="integer"),
                _c("Node Selector"),
                _AGE,
                *_WIDE_TEMPLATE,
            ),
            printers.daemonset_cells,
            ("ds",),
            "daemonset",
            ("all",),
        ),
        KindDef(
            "jobs",
            "Job",
            "batch",
            "v1",
            True,
            (_NAME, _c("Status"), _c("Completions"), _c("Duration"), _AGE, *_WIDE_TEMPLATE),
            printers.job_cells,
            (),
            "job",
            ("all",),
        ),
        KindDef(
            "cronjobs",
            "CronJob",
            "batch",
            "v1",
            True,
            (
                _NAME,
                _c("Schedule"),
                _c("Timezone"),
                _c("Suspend", type_="boolean"),
                _c("Active", type_="integer"),
                _c("Last Schedule"),
                _AGE,
                *_WIDE_TEMPLATE,
            ),
            printers.cronjob_cells,
            ("cj",),
            "cronjob",
            ("all",),
        ),
        KindDef(
            "services",
            "Service",
            "",
            "v1",
            True,
            (
                _NAME,
                _c("Type"),
                _c("Cluster-IP"),
                _c("External-IP"),
                _c("Port(s)"),
                _AGE,
                _c("Selector", 1),
            ),
            printers.service_cells,
            ("svc",),
            "service",
            ("all",),
        ),
        KindDef(
            "endpoints",
            "Endpoints",
            "",
            "v1",
            True,
            (_NAME, _c("Endpoints"), _AGE),
            printers.endpoints_cells,
            ("ep",),
            "endpoints",
        ),
        KindDef(
            "endpointslices",
            "EndpointSlice",
            "discovery.k8s.io",
            "v1",
            True,
            (_NAME, _c("AddressType"), _c("Ports"), _c("Endpoints"), _AGE),
            printers.endpointslice_cells,
            (),
            "endpointslice",
        ),
        KindDef(
            "nodes",
            "Node",
            "",
            "v1",
            False,
            (
                _NAME,
                _c("Status"),
                _c("Roles"),
                _AGE,
                _c("Version"),
                _c("Internal-IP", 1),
                _c("External-IP", 1),
                _c("OS-Image", 1),
                _c("Kernel-Version", 1),
                _c("Container-Runtime", 1),
            ),
            printers.node_cells,
            ("no",),
            "node",
        ),
        KindDef(
            "namespaces",
            "Namespace",
            "",
            "v1",
            False,
            (_NAME, _c("Status"), _AGE),
            printers.namespace_cells,
            ("ns",),
            "namespace",
        ),
        KindDef(
            "events",
            "Event",
            "",
            "v1",
            True,
            (
                _c("Last Seen"),
                _c("Type"),
                _c("Reason"),
                _c("Object"),
                _c("Subobject", 1),
                _c("Source", 1),
                _c("Message"),
                _c("First Seen", 1),
                _c("Count", 1),
                _c("Name", 1, fmt="name"),
            ),
            printers.event_cells,
            ("ev",),
            "event",
        ),
    )
}


def lookup(text: str) -> KindDef | None:
    """The kind a user typed as kubectl accepts it: `deploy`, `deployments`, `Deployment`,
    `deployments.apps`, with or without a leading `:` (k9s's prompt)."""
    word = text.strip().lstrip(":").lower()
    word, _, group = word.partition(".")
    for k in KINDS.values():
        if group and group != k.group:
            continue
        if word in (k.resource, k.singular, k.kind.lower(), *k.short_names):
            return k
    return None


def kind_of(obj: Obj) -> KindDef | None:
    """The registry entry for an object by its `kind` field."""
    name = s(d(obj).get("kind"))
    return next((k for k in KINDS.values() if k.kind == name), None)
