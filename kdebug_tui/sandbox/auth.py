"""Bearer tokens and the two roles of the sandbox (admin, viewer), decided like RBAC."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

ADMIN_USER = "system:serviceaccount:default:sandbox-admin"
VIEWER_USER = "system:serviceaccount:default:sandbox-viewer"
READ_VERBS = {"get", "list", "watch"}
# Subresources a viewer may not read: reading them opens a shell or stream into a container.
PRIVATE_SUBRESOURCES = {"attach", "exec", "portforward", "proxy"}


@dataclass(frozen=True)
class User:
    name: str
    admin: bool
    groups: tuple[str, ...] = ("system:serviceaccounts", "system:authenticated")


class Authenticator:
    """Random tokens per sandbox run; they are never logged or put in error messages."""

    def __init__(self, *, admin_token: str | None = None) -> None:
        # admin_token: a test may choose it (the canary test looks for it in every output).
        self.admin_token = admin_token or secrets.token_urlsafe(32)
        self.viewer_token = secrets.token_urlsafe(32)
        self._users = {
            self.admin_token: User(ADMIN_USER, True),
            self.viewer_token: User(VIEWER_USER, False),
        }

    def user_for(self, authorization: str | None) -> User | None:
        if not authorization or not authorization.startswith("Bearer "):
            return None
        token = authorization[len("Bearer ") :].strip()
        for known, user in self._users.items():
            if secrets.compare_digest(known, token):
                return user
        return None


def allowed(user: User, verb: str, resource: str, subresource: str = "") -> bool:
    """Whether RBAC would let `user` do `verb` on `resource[/subresource]`."""
    if user.admin:
        return True
    if resource in ("selfsubjectaccessreviews", "selfsubjectrulesreviews", "selfsubjectreviews"):
        return verb == "create"
    if subresource in PRIVATE_SUBRESOURCES:
        return False
    return verb in READ_VERBS
