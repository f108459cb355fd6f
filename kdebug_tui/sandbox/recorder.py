"""Events written as the kubelet and the scheduler would, aggregated by count like theirs."""

from __future__ import annotations

import secrets
import time
from typing import Any

from kdebug_tui.sandbox.cluster import Cluster, now_iso

Obj = dict[str, Any]


class EventRecorder:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._seen: dict[tuple[str, str, str, str], tuple[str, str]] = {}

    def pod_event(
        self,
        pod: Obj,
        reason: str,
        message: str,
        *,
        type_: str = "Normal",
        field_path: str | None = None,
        component: str = "kubelet",
    ) -> None:
        meta = pod["metadata"]
        ns, uid = meta["namespace"], meta.get("uid", "")
        key = (uid, field_path or "", reason, message)
        timestamp = now_iso()
        known = self._seen.get(key)
        if known is not None:
            existing = self.cluster.get("events", known[0], known[1])
            if existing is not None:
                existing = dict(existing)
                existing["count"] = int(existing.get("count", 1)) + 1
                existing["lastTimestamp"] = timestamp
                self.cluster.replace("events", existing)
                return
        involved: Obj = {
            "apiVersion": "v1",
            "kind": "Pod",
            "name": meta["name"],
            "namespace": ns,
            "resourceVersion": meta.get("resourceVersion", ""),
            "uid": uid,
        }
        if field_path:
            involved["fieldPath"] = field_path
        name = f"{meta['name']}.{time.time_ns():x}{secrets.token_hex(2)}"[: len(meta["name"]) + 17]
        source: Obj = {"component": component}
        if component == "kubelet":
            source["host"] = (pod.get("spec") or {}).get("nodeName", "")
        event: Obj = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": name, "namespace": ns},
            "involvedObject": involved,
            "reason": reason,
            "message": message,
            "source": source,
            "firstTimestamp": timestamp,
            "lastTimestamp": timestamp,
            "count": 1,
            "type": type_,
            "eventTime": None,
            "reportingComponent": "" if component == "kubelet" else component,
            "reportingInstance": "",
        }
        while self.cluster.get("events", ns, name) is not None:
            name = name[:-4] + secrets.token_hex(2)
            event["metadata"]["name"] = name
        self.cluster.create("events", event)
        self._seen[key] = (ns, name)
