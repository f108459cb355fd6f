"""Events written as the kubelet and the scheduler would, aggregated by count like theirs,
and thinned by client-go's spam filter like theirs.

client-go's EventSourceObjectSpamFilter gives each (source, involved object) a token bucket
of 25 that refills one token per 5 minutes; every event, a repeat counted into an existing
one included, takes a token, and an event without one is dropped. So a busy pod's later
events (a debugger's Created/Started) can be missing on a real cluster: nothing may learn a
container's state from events (PROTOCOL.md), and the sandbox drops them the same way.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

from kdebug_tui.sandbox.cluster import Change, Cluster, now_iso

Obj = dict[str, Any]


SPAM_BURST = 25
SPAM_REFILL_SECONDS = 300.0


class SpamFilter:
    """One token bucket per (source component, host, involved object uid)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._buckets: dict[tuple[str, str, str], tuple[float, float]] = {}  # tokens, when

    def allow(self, key: tuple[str, str, str]) -> bool:
        now = self.clock()
        tokens, last = self._buckets.get(key, (float(SPAM_BURST), now))
        tokens = min(float(SPAM_BURST), tokens + (now - last) / SPAM_REFILL_SECONDS)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
        return allowed

    def forget(self, uid: str) -> None:
        for key in [key for key in self._buckets if key[2] == uid]:
            del self._buckets[key]


class EventRecorder:
    def __init__(self, cluster: Cluster, spam_filter: SpamFilter | None = None) -> None:
        self.cluster = cluster
        self.spam_filter = spam_filter or SpamFilter()
        self.dropped = 0  # events the spam filter dropped (tests read it)
        self._seen: dict[tuple[str, str, str, str], tuple[str, str]] = {}
        # A deleted pod gets no more events (its uid is never reused): its buckets and
        # counts would only grow with every pod the sandbox ever ran.
        cluster.listeners.append(self._on_change)

    def _on_change(self, change: Change) -> None:
        if change.resource == "pods" and change.type == "DELETED":
            self.forget(change.new["metadata"].get("uid", ""))

    def forget(self, uid: str) -> None:
        """Drop what is kept per pod (spam buckets, events to count into) for `uid`."""
        self.spam_filter.forget(uid)
        for key in [key for key in self._seen if key[0] == uid]:
            del self._seen[key]

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
        host = (pod.get("spec") or {}).get("nodeName", "") if component == "kubelet" else ""
        if not self.spam_filter.allow((component, host, uid)):
            self.dropped += 1
            return
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
