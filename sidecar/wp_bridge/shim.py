"""Calls to the shim's signed REST routes (``sidecar/v1``) — WordPress logic we must not redo.

After writing WordPress's tables directly the sidecar asks the shim to clear WordPress's caches
(``clean_blog_cache``, ``alloptions``/``notoptions``, ``clean_user_cache``). Each call carries a
fresh assertion with audience ``shim`` bound to the method and route (docs/protocol.md).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from .. import assertions
from .rest import RestClient

NAMESPACE = "/sidecar/v1"
LIFETIME = 60


class ShimClient:
    """Signs and sends requests to the shim's routes on the network's main site."""

    def __init__(self, rest: RestClient, secret: str, network_id: int):
        self.rest = rest
        self.secret = secret
        self.network_id = network_id

    def ping(self) -> dict:
        """Return the shim's version information. Raises RestError subclasses."""
        return self._call("GET", "/ping")

    def clear_caches(
        self, *, blog_id: int | None = None, user_ids: Iterable[int] = (), options: bool = False
    ) -> dict:
        """Clear WordPress's caches for a site and/or users. Raises RestError subclasses."""
        body: dict[str, Any] = {"user_ids": [int(u) for u in user_ids], "options": options}
        if blog_id is not None:
            body["blog_id"] = int(blog_id)
        return self._call("POST", "/cache/clear", body, blog_id=blog_id or 0)

    def create_user(self, login: str, email: str, password: str, display_name: str = "") -> int:
        """Create a network user who belongs to no site; return its id.

        Raises RestError subclasses: 409 ``sidecar_user_exists`` when the login or the email is
        taken (``message`` says which), 400 for invalid input.
        """
        body = {"login": login, "email": email, "password": password}
        if display_name:
            body["display_name"] = display_name
        return int(self._call("POST", "/users", body)["user_id"])

    def create_site(self, path: str, title: str, user_id: int) -> dict:
        """Create the site ``/<path>/`` with ``user_id`` as its only administrator.

        Returns ``{"blog_id": int, "url": str}``. Raises RestError subclasses: 409
        ``sidecar_site_exists``, 400 for an invalid or reserved path or other bad input.
        """
        body = {"path": path, "title": title, "user_id": int(user_id)}
        return self._call("POST", "/sites", body)

    def add_member(self, blog_id: int, user_id: int, role: str) -> dict:
        """Make an existing user a member of site ``blog_id`` with ``role``
        (``add_user_to_blog``). Returns ``{"ok": true, "blog_id", "user_id", "role"}``.

        Raises RestError subclasses: 404 ``sidecar_no_site``, 400 for an unknown user or role.
        """
        body = {"blog_id": int(blog_id), "user_id": int(user_id), "role": role}
        return self._call("POST", "/sites/members", body)

    def set_password(self, user_id: int, password: str, keep_session: str = "") -> dict:
        """Set a user's password through ``wp_set_password`` (the running WordPress's hash)
        and end their sessions except the one whose verifier (sha256 of the session token) is
        ``keep_session``. Returns ``{"ok": true, "sessions_kept": 0|1}``.

        Raises RestError subclasses: 400 for an invalid password or unknown user.
        """
        body = {"user_id": int(user_id), "password": password, "keep_session": keep_session}
        return self._call("POST", "/users/password", body)

    def delete_site(self, blog_id: int) -> dict:
        """Delete a site through ``wpmu_delete_blog($id, true)``: its tables, uploads and
        user memberships. Returns ``{"ok": true, "blog_id": N}``.

        Raises RestError subclasses: 404 ``sidecar_no_site``, 400 for the main site.
        """
        return self._call("POST", "/sites/delete", {"blog_id": int(blog_id)}, blog_id=blog_id)

    def delete_user(self, user_id: int) -> dict:
        """Delete a network user through ``wpmu_delete_user`` (their posts on sites they stay
        a member of go to each site's owner first). Returns ``{"ok": true, "user_id": N}``.

        Raises RestError subclasses: 404 ``sidecar_no_user``, 400 for a super admin.
        """
        return self._call("POST", "/users/delete", {"user_id": int(user_id)})

    def set_archived(self, blog_id: int, archived: bool) -> dict:
        """Archive (suspend) or unarchive site ``blog_id`` through WordPress
        (``update_blog_status`` + ``clean_blog_cache``). Raises RestError subclasses: 404 when
        the site does not exist."""
        body = {"blog_id": int(blog_id), "archived": bool(archived)}
        return self._call("POST", "/sites/status", body, blog_id=int(blog_id))

    def forget_domains(self, blog_id: int, domains: Iterable[str]) -> dict:
        """Drop custom domains (host names) and site ``blog_id``'s primary domain from the
        routing cache of ``sunrise.php``. Returns ``{"ok": true, "forgotten": N}``.

        Raises RestError subclasses.
        """
        body = {"blog_id": int(blog_id), "domains": [str(d) for d in domains]}
        return self._call("POST", "/domains/forget", body, blog_id=int(blog_id))

    def _call(self, method: str, route: str, body: Any = None, *, blog_id: int = 0) -> dict:
        path = NAMESPACE + route
        headers = {"X-Sidecar-Assertion": self._assertion(method, path, blog_id)}
        return self.rest.request(method, path, json=body, headers=headers)

    def _assertion(self, method: str, path: str, blog_id: int) -> str:
        now = int(time.time())
        claims = assertions.Claims(
            aud="shim",
            sub=0,
            blog=blog_id,
            net=self.network_id,
            iat=now,
            exp=now + LIFETIME,
            jti=assertions.new_jti(),
            mth=method,
            pth=path,
        )
        return assertions.sign(self.secret, claims)
