# ruff: noqa: E501
"""Decode the Kubernetes protobuf encoding of the objects clients send us, into API JSON.

kubectl 1.32's typed clients send create/update bodies as `application/vnd.kubernetes.protobuf`
(magic `k8s\\0` + runtime.Unknown{typeMeta, raw}). The sandbox answers in JSON, but must read
these bodies: `kubectl debug node/...` and `--copy-to` create pods this way. The schema below
covers the Pod fields such clients send (field numbers from k8s.io/api generated.proto);
unknown fields are skipped. Scalars that are not pointers in Go are always encoded, so their
zero values are dropped (they are `omitempty` in JSON); pointer fields keep explicit zeros.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

MAGIC = b"k8s\x00"
MEDIA_TYPE = "application/vnd.kubernetes.protobuf"

# field number -> (json name, type, flags); type: str/int/bool/bytes, or a message name;
# flags: "r" repeated, "p" pointer (keep zero values), "i" inline (embedded struct),
# "m:<type>" map<string, type>.
S = "str"
I = "int"  # noqa: E741
B = "bool"
SCHEMA: dict[str, dict[int, tuple[str, str, str]]] = {
    "Unknown": {1: ("typeMeta", "TypeMeta", ""), 2: ("raw", "bytes", ""), 3: ("contentEncoding", S, ""), 4: ("contentType", S, "")},
    "TypeMeta": {1: ("apiVersion", S, ""), 2: ("kind", S, "")},
    "Time": {1: ("seconds", I, ""), 2: ("nanos", I, "")},
    "Quantity": {1: ("string", S, "")},
    "ObjectMeta": {
        1: ("name", S, ""), 2: ("generateName", S, ""), 3: ("namespace", S, ""), 5: ("uid", S, ""),
        6: ("resourceVersion", S, ""), 7: ("generation", I, ""), 8: ("creationTimestamp", "Time", ""),
        9: ("deletionTimestamp", "Time", "p"), 10: ("deletionGracePeriodSeconds", I, "p"),
        11: ("labels", S, "m"), 12: ("annotations", S, "m"), 13: ("ownerReferences", "OwnerReference", "r"),
        14: ("finalizers", S, "r"),
    },
    "OwnerReference": {1: ("kind", S, ""), 3: ("name", S, ""), 4: ("uid", S, ""), 5: ("apiVersion", S, ""), 6: ("controller", B, "p"), 7: ("blockOwnerDeletion", B, "p")},
    "Pod": {1: ("metadata", "ObjectMeta", ""), 2: ("spec", "PodSpec", "")},
    "DeleteOptions": {1: ("gracePeriodSeconds", I, "p"), 2: ("preconditions", "Preconditions", "p"), 3: ("orphanDependents", B, "p"), 4: ("propagationPolicy", S, "p"), 5: ("dryRun", S, "r")},
    "Preconditions": {1: ("uid", S, "p"), 2: ("resourceVersion", S, "p")},
    "SelfSubjectAccessReview": {1: ("metadata", "ObjectMeta", ""), 2: ("spec", "SSARSpec", "")},
    "SSARSpec": {1: ("resourceAttributes", "ResourceAttributes", "p"), 2: ("nonResourceAttributes", "NonResourceAttributes", "p")},
    "ResourceAttributes": {1: ("namespace", S, ""), 2: ("verb", S, ""), 3: ("group", S, ""), 4: ("version", S, ""), 5: ("resource", S, ""), 6: ("subresource", S, ""), 7: ("name", S, "")},
    "NonResourceAttributes": {1: ("path", S, ""), 2: ("verb", S, "")},
    "SelfSubjectRulesReview": {1: ("metadata", "ObjectMeta", ""), 2: ("spec", "RulesSpec", "")},
    "RulesSpec": {1: ("namespace", S, "")},
    "PodSpec": {
        1: ("volumes", "Volume", "r"), 2: ("containers", "Container", "r"), 3: ("restartPolicy", S, ""),
        4: ("terminationGracePeriodSeconds", I, "p"), 5: ("activeDeadlineSeconds", I, "p"), 6: ("dnsPolicy", S, ""),
        7: ("nodeSelector", S, "m"), 8: ("serviceAccountName", S, ""), 9: ("serviceAccount", S, ""),
        10: ("nodeName", S, ""), 11: ("hostNetwork", B, ""), 12: ("hostPID", B, ""), 13: ("hostIPC", B, ""),
        14: ("securityContext", "PodSecurityContext", "p"), 15: ("imagePullSecrets", "LocalObjectReference", "r"),
        16: ("hostname", S, ""), 17: ("subdomain", S, ""), 19: ("schedulerName", S, ""),
        20: ("initContainers", "Container", "r"), 21: ("automountServiceAccountToken", B, "p"),
        22: ("tolerations", "Toleration", "r"), 24: ("priorityClassName", S, ""), 25: ("priority", I, "p"),
        27: ("shareProcessNamespace", B, "p"), 28: ("readinessGates", "PodReadinessGate", "r"),
        29: ("runtimeClassName", S, "p"), 30: ("enableServiceLinks", B, "p"), 31: ("preemptionPolicy", S, "p"),
        34: ("ephemeralContainers", "EphemeralContainer", "r"), 35: ("setHostnameAsFQDN", B, "p"),
        37: ("hostUsers", B, "p"),
    },
    "Container": {
        1: ("name", S, ""), 2: ("image", S, ""), 3: ("command", S, "r"), 4: ("args", S, "r"), 5: ("workingDir", S, ""),
        6: ("ports", "ContainerPort", "r"), 7: ("env", "EnvVar", "r"), 8: ("resources", "ResourceRequirements", ""),
        9: ("volumeMounts", "VolumeMount", "r"), 10: ("livenessProbe", "Probe", "p"), 11: ("readinessProbe", "Probe", "p"),
        12: ("lifecycle", "Lifecycle", "p"), 13: ("terminationMessagePath", S, ""), 14: ("imagePullPolicy", S, ""),
        15: ("securityContext", "SecurityContext", "p"), 16: ("stdin", B, ""), 17: ("stdinOnce", B, ""), 18: ("tty", B, ""),
        19: ("envFrom", "EnvFromSource", "r"), 20: ("terminationMessagePolicy", S, ""), 21: ("volumeDevices", "VolumeDevice", "r"),
        22: ("startupProbe", "Probe", "p"), 24: ("restartPolicy", S, "p"),
    },
    "EphemeralContainer": {1: ("", "Container", "i"), 2: ("targetContainerName", S, "")},
    "ContainerPort": {1: ("name", S, ""), 2: ("hostPort", I, ""), 3: ("containerPort", I, ""), 4: ("protocol", S, ""), 5: ("hostIP", S, "")},
    "EnvVar": {1: ("name", S, ""), 2: ("value", S, ""), 3: ("valueFrom", "EnvVarSource", "p")},
    "EnvVarSource": {1: ("fieldRef", "ObjectFieldSelector", "p"), 3: ("configMapKeyRef", "KeySelector", "p"), 4: ("secretKeyRef", "KeySelector", "p")},
    "KeySelector": {1: ("", "LocalObjectReference", "i"), 2: ("key", S, ""), 3: ("optional", B, "p")},
    "EnvFromSource": {1: ("prefix", S, ""), 2: ("configMapRef", "OptionalRef", "p"), 3: ("secretRef", "OptionalRef", "p")},
    "OptionalRef": {1: ("", "LocalObjectReference", "i"), 2: ("optional", B, "p")},
    "ObjectFieldSelector": {1: ("apiVersion", S, ""), 2: ("fieldPath", S, "")},
    "ResourceRequirements": {1: ("limits", "Quantity", "m"), 2: ("requests", "Quantity", "m")},
    "VolumeMount": {1: ("name", S, ""), 2: ("readOnly", B, ""), 3: ("mountPath", S, ""), 4: ("subPath", S, ""), 5: ("mountPropagation", S, "p"), 6: ("subPathExpr", S, "")},
    "VolumeDevice": {1: ("name", S, ""), 2: ("devicePath", S, "")},
    "SecurityContext": {
        1: ("capabilities", "Capabilities", "p"), 2: ("privileged", B, "p"), 4: ("runAsUser", I, "p"),
        5: ("runAsNonRoot", B, "p"), 6: ("readOnlyRootFilesystem", B, "p"), 7: ("allowPrivilegeEscalation", B, "p"),
        8: ("runAsGroup", I, "p"), 9: ("procMount", S, "p"), 11: ("seccompProfile", "SeccompProfile", "p"),
    },
    "PodSecurityContext": {
        2: ("runAsUser", I, "p"), 3: ("runAsNonRoot", B, "p"), 4: ("supplementalGroups", I, "r"), 5: ("fsGroup", I, "p"),
        6: ("runAsGroup", I, "p"), 9: ("fsGroupChangePolicy", S, "p"), 10: ("seccompProfile", "SeccompProfile", "p"),
    },
    "SeccompProfile": {1: ("type", S, ""), 2: ("localhostProfile", S, "p")},
    "Capabilities": {1: ("add", S, "r"), 2: ("drop", S, "r")},
    "Toleration": {1: ("key", S, ""), 2: ("operator", S, ""), 3: ("value", S, ""), 4: ("effect", S, ""), 5: ("tolerationSeconds", I, "p")},
    "LocalObjectReference": {1: ("name", S, "")},
    "PodReadinessGate": {1: ("conditionType", S, "")},
    "Probe": {1: ("", "ProbeHandler", "i"), 2: ("initialDelaySeconds", I, ""), 3: ("timeoutSeconds", I, ""), 4: ("periodSeconds", I, ""), 5: ("successThreshold", I, ""), 6: ("failureThreshold", I, ""), 7: ("terminationGracePeriodSeconds", I, "p")},
    "ProbeHandler": {1: ("exec", "ExecAction", "p"), 2: ("httpGet", "HTTPGetAction", "p"), 3: ("tcpSocket", "TCPSocketAction", "p")},
    "Lifecycle": {1: ("postStart", "ProbeHandler", "p"), 2: ("preStop", "ProbeHandler", "p")},
    "ExecAction": {1: ("command", S, "r")},
    "HTTPGetAction": {1: ("path", S, ""), 2: ("port", "IntOrString", ""), 3: ("host", S, ""), 4: ("scheme", S, "")},
    "TCPSocketAction": {1: ("port", "IntOrString", ""), 2: ("host", S, "")},
    "IntOrString": {1: ("type", I, ""), 2: ("intVal", I, ""), 3: ("strVal", S, "")},
    "Volume": {1: ("name", S, ""), 2: ("", "VolumeSource", "i")},
    "VolumeSource": {
        1: ("hostPath", "HostPathVolumeSource", "p"), 2: ("emptyDir", "EmptyDirVolumeSource", "p"),
        6: ("secret", "SecretVolumeSource", "p"), 10: ("persistentVolumeClaim", "PVCSource", "p"),
        16: ("downwardAPI", "DownwardAPIVolumeSource", "p"), 19: ("configMap", "ConfigMapVolumeSource", "p"),
        26: ("projected", "ProjectedVolumeSource", "p"),
    },
    "HostPathVolumeSource": {1: ("path", S, ""), 2: ("type", S, "p")},
    "EmptyDirVolumeSource": {1: ("medium", S, ""), 2: ("sizeLimit", "Quantity", "p")},
    "SecretVolumeSource": {1: ("secretName", S, ""), 2: ("items", "KeyToPath", "r"), 3: ("defaultMode", I, "p"), 4: ("optional", B, "p")},
    "PVCSource": {1: ("claimName", S, ""), 2: ("readOnly", B, "")},
    "ConfigMapVolumeSource": {1: ("", "LocalObjectReference", "i"), 2: ("items", "KeyToPath", "r"), 3: ("defaultMode", I, "p"), 4: ("optional", B, "p")},
    "DownwardAPIVolumeSource": {1: ("items", "DownwardAPIVolumeFile", "r"), 2: ("defaultMode", I, "p")},
    "DownwardAPIVolumeFile": {1: ("path", S, ""), 2: ("fieldRef", "ObjectFieldSelector", "p"), 4: ("mode", I, "p")},
    "KeyToPath": {1: ("key", S, ""), 2: ("path", S, ""), 3: ("mode", I, "p")},
    "ProjectedVolumeSource": {1: ("sources", "VolumeProjection", "r"), 2: ("defaultMode", I, "p")},
    "VolumeProjection": {
        1: ("secret", "ConfigMapProjection", "p"), 2: ("downwardAPI", "DownwardAPIVolumeSource", "p"),
        3: ("configMap", "ConfigMapProjection", "p"), 4: ("serviceAccountToken", "TokenProjection", "p"),
    },
    "ConfigMapProjection": {1: ("", "LocalObjectReference", "i"), 2: ("items", "KeyToPath", "r"), 4: ("optional", B, "p")},
    "TokenProjection": {1: ("audience", S, ""), 2: ("expirationSeconds", I, "p"), 3: ("path", S, "")},
}  # fmt: skip


class ProtobufError(ValueError):
    pass


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ProtobufError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift > 70:
            raise ProtobufError("varint too long")


def fields(buf: bytes) -> list[tuple[int, int, Any]]:
    """(field number, wire type, value) triples of one message, in order."""
    out: list[tuple[int, int, Any]] = []
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 2:
            length, pos = _varint(buf, pos)
            if pos + length > len(buf):
                raise ProtobufError("truncated field")
            value, pos = buf[pos : pos + length], pos + length
        elif wire == 1:
            value, pos = buf[pos : pos + 8], pos + 8
        elif wire == 5:
            value, pos = buf[pos : pos + 4], pos + 4
        else:
            raise ProtobufError(f"unsupported wire type {wire}")
        out.append((number, wire, value))
    return out


def _scalar(kind: str, value: Any) -> Any:
    if kind == S:
        return bytes(value).decode("utf-8", "replace")
    if kind == B:
        return bool(value)
    if kind == I:
        return value - (1 << 64) if value >= 1 << 63 else value
    return value


def _special(kind: str, obj: dict[str, Any]) -> Any:
    if kind == "Time":
        seconds = obj.get("seconds", 0)
        if not seconds:
            return None
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "Quantity":
        return obj.get("string", "")
    if kind == "IntOrString":
        return obj.get("strVal", "") if obj.get("type") == 1 else obj.get("intVal", 0)
    return obj


def decode(message: str, buf: bytes) -> Any:
    schema = SCHEMA[message]
    obj: dict[str, Any] = {}
    for number, _, value in fields(buf):
        spec = schema.get(number)
        if spec is None:
            continue
        name, kind, flags = spec
        if flags == "m":
            entry = {n: v for n, _, v in fields(value)}
            key = _scalar(S, entry.get(1, b""))
            raw = entry.get(2, b"")
            obj.setdefault(name, {})[key] = (
                _scalar(kind, raw) if kind in (S, I, B) else _special(kind, decode(kind, raw))
            )
            continue
        if kind in (S, I, B, "bytes"):
            if kind == I and flags == "r" and isinstance(value, bytes):  # packed repeated
                pos, items = 0, []
                while pos < len(value):
                    v, pos = _varint(value, pos)
                    items.append(_scalar(I, v))
                obj.setdefault(name, []).extend(items)
                continue
            parsed = _scalar(kind, value)
        else:
            parsed = _special(kind, decode(kind, value))
        if flags == "i":
            obj.update(parsed)
        elif flags == "r":
            obj.setdefault(name, []).append(parsed)
        elif flags == "p" or parsed not in ("", 0, False) or kind not in (S, I, B):
            obj[name] = parsed
    return obj


def decode_object(body: bytes, expected: str) -> dict[str, Any]:
    """A `k8s\\0`-framed object of kind `expected` (Pod, DeleteOptions) as API JSON."""
    if not body.startswith(MAGIC):
        raise ProtobufError("missing the k8s protobuf magic prefix")
    unknown = decode("Unknown", body[len(MAGIC) :])
    type_meta = unknown.get("typeMeta") or {}
    kind = type_meta.get("kind") or expected
    if kind != expected:
        raise ProtobufError(f"expected a {expected}, got {kind}")
    raw = unknown.get("raw", b"")
    obj = decode(kind, raw if isinstance(raw, bytes) else b"")
    obj["apiVersion"] = type_meta.get("apiVersion") or "v1"
    obj["kind"] = kind
    return obj
