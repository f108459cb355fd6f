"""The three patch types the API server accepts for pods.

- strategic merge (`application/strategic-merge-patch+json`): maps merge, `null` deletes,
  lists with a merge key (containers, ephemeralContainers, volumes, env... by `name`) merge by
  that key, other lists are replaced; `$patch: replace|delete` directives are honoured.
- JSON merge patch (RFC 7386): maps merge, lists replaced.
- JSON patch (RFC 6902): add/remove/replace/move/copy/test.
"""

from __future__ import annotations

import copy
from typing import Any

from kdebug_tui.sandbox.errors import ApiError

STRATEGIC = "application/strategic-merge-patch+json"
MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
APPLY = "application/apply-patch+yaml"

MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "volumes": "name",
    "env": "name",
    "imagePullSecrets": "name",
    "resourceClaims": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "ports": "containerPort",
    "conditions": "type",
    "containerStatuses": "name",
    "initContainerStatuses": "name",
    "ephemeralContainerStatuses": "name",
}


class PatchError(ApiError):
    def __init__(self, message: str, code: int = 422) -> None:
        super().__init__(code, message)


def json_merge(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = json_merge(result.get(key), value)
    return result


def strategic_merge(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    if patch.get("$patch") == "delete":
        return None
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key.startswith("$"):
            continue  # $setElementOrder/..., $retainKeys: ordering hints we need not honour
        if value is None:
            result.pop(key, None)
        elif isinstance(value, list) and key in MERGE_KEYS:
            # A non-list here came from an earlier item of the same patch; the list replaces it,
            # and type validation later answers for whatever is left.
            current = result.get(key)
            result[key] = _merge_list(
                current if isinstance(current, list) else [], value, MERGE_KEYS[key]
            )
        elif isinstance(value, dict):
            merged = strategic_merge(result.get(key), value)
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
        else:
            result[key] = copy.deepcopy(value)
    return result


def _merge_list(current: list[Any], patch: list[Any], key: str) -> list[Any]:
    if any(isinstance(p, dict) and p.get("$patch") == "replace" for p in patch):
        return [copy.deepcopy(p) for p in patch if not (isinstance(p, dict) and "$patch" in p)]
    result = [copy.deepcopy(c) for c in current]
    for item in patch:
        if not isinstance(item, dict) or key not in item:
            raise PatchError(f"map: {item!r} does not contain declared merge key: {key}", 400)
        index = next(
            (i for i, c in enumerate(result) if isinstance(c, dict) and c.get(key) == item[key]),
            None,
        )
        if item.get("$patch") == "delete":
            if index is not None:
                result.pop(index)
            continue
        if index is None:
            result.append(strategic_merge({}, item))
        else:
            result[index] = strategic_merge(result[index], item)
    return result


# -- RFC 6902 -----------------------------------------------------------------------------
def _tokens(pointer: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise PatchError(f'JSON pointer must start with "/": {pointer}')
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def _parent(doc: Any, pointer: str) -> tuple[Any, str]:
    tokens = _tokens(pointer)
    if not tokens:
        raise PatchError("cannot operate on the whole document")
    node = doc
    for t in tokens[:-1]:
        node = _child(node, t, pointer)
    return node, tokens[-1]


def _child(node: Any, token: str, pointer: str) -> Any:
    if isinstance(node, dict):
        if token not in node:
            raise PatchError(f"jsonpatch path does not exist: {pointer}")
        return node[token]
    if isinstance(node, list):
        try:
            return node[int(token)]
        except (ValueError, IndexError):
            raise PatchError(f"jsonpatch path does not exist: {pointer}") from None
    raise PatchError(f"jsonpatch path does not exist: {pointer}")


def _get(doc: Any, pointer: str) -> Any:
    node = doc
    for t in _tokens(pointer):
        node = _child(node, t, pointer)
    return node


def _add(doc: Any, pointer: str, value: Any) -> None:
    parent, last = _parent(doc, pointer)
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        if last == "-":
            parent.append(value)
            return
        try:
            idx = int(last)
        except ValueError:
            raise PatchError(f"invalid array index in {pointer}") from None
        if idx < 0 or idx > len(parent):
            raise PatchError(f"add operation does not apply: index out of bounds: {pointer}")
        parent.insert(idx, value)
    else:
        raise PatchError(f"add operation does not apply: doc is missing path: {pointer}")


def _remove(doc: Any, pointer: str) -> Any:
    parent, last = _parent(doc, pointer)
    if isinstance(parent, dict) and last in parent:
        return parent.pop(last)
    if isinstance(parent, list):
        try:
            return parent.pop(int(last))
        except (ValueError, IndexError):
            pass
    raise PatchError(f"remove operation does not apply: doc is missing path: {pointer}")


def json_patch(doc: Any, ops: Any) -> Any:
    if not isinstance(ops, list):
        raise PatchError("json patch must be a list of operations", 400)
    result = copy.deepcopy(doc)
    for op in ops:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise PatchError(f"invalid JSON patch operation: {op!r}", 400)
        kind, path = op["op"], op["path"]
        if kind == "add":
            _add(result, path, copy.deepcopy(op.get("value")))
        elif kind == "remove":
            _remove(result, path)
        elif kind == "replace":
            _remove(result, path)
            _add(result, path, copy.deepcopy(op.get("value")))
        elif kind == "move":
            _add(result, path, _remove(result, op["from"]))
        elif kind == "copy":
            _add(result, path, copy.deepcopy(_get(result, op["from"])))
        elif kind == "test":
            if _get(result, path) != op.get("value"):
                raise PatchError(f"testing value {path} failed")
        else:
            raise PatchError(f"Unexpected kind: {kind}", 400)
    return result


def apply_patch(content_type: str, doc: Any, patch: Any) -> Any:
    """Apply `patch` of the given Content-Type to a copy of `doc`."""
    media = content_type.split(";")[0].strip()
    if media == STRATEGIC:
        if not isinstance(patch, dict):
            raise PatchError("strategic merge patch must be a JSON object", 400)
        return strategic_merge(doc, patch)
    if media == MERGE:
        if not isinstance(patch, dict):
            raise PatchError("merge patch must be a JSON object", 400)
        return json_merge(doc, patch)
    if media == JSON_PATCH:
        return json_patch(doc, patch)
    raise ApiError(
        415,
        f"the body of the request was in an unknown format - accepted media types include: "
        f"{JSON_PATCH}, {MERGE}, {STRATEGIC}",
    )
