"""What every REST handler shares about one request: its RequestInfo, its user, its body.

These sit below the server so that handlers, subresources and the review endpoints can use
them without importing the server that routes to them (the server imports the handlers).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from kdebug_tui.sandbox import protobuf
from kdebug_tui.sandbox.auth import User
from kdebug_tui.sandbox.errors import ApiError

NOT_FOUND_TEXT = "the server could not find the requested resource"
# The authenticated user of a request (a typed key where aiohttp offers one).
USER_KEY: Any = web.RequestKey("user", User) if hasattr(web, "RequestKey") else "user"


@dataclass
class RequestInfo:
    """What the API server's RequestInfoFactory extracts from a URL."""

    verb: str
    resource: str
    subresource: str
    namespace: str | None
    name: str | None
    group: str = ""


JSON_BODY_TYPES = (
    "application/json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/json-patch+json",
)


async def read_json(request: web.Request, expected: str | None = None) -> Any:
    """The body as JSON; protobuf bodies (kubectl's typed clients) of `expected` kind are
    decoded; other media types get 415."""
    media = request.headers.get("Content-Type", "application/json").split(";")[0].strip()
    raw = await request.read()
    if media == protobuf.MEDIA_TYPE and expected is not None:
        try:
            return protobuf.decode_object(raw, expected)
        except (protobuf.ProtobufError, KeyError, UnicodeDecodeError) as exc:
            raise ApiError(400, f"error decoding protobuf body: {exc}") from None
    if media and media not in JSON_BODY_TYPES and media != "*/*":
        raise ApiError(
            415,
            "the body of the request was in an unknown format - accepted media types include: "
            + ", ".join(JSON_BODY_TYPES),
        )
    try:
        return json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"error decoding body: {exc}") from None
