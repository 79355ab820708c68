"""WordPress's REST API over HTTP (``requests``), authenticated with an Application Password.

Routes are addressed with ``?rest_route=`` so they work whatever the permalink settings are.
``site_path`` selects the site in a subdirectory network (``/alice/``): some core routes, such
as ``POST /wp/v2/users/<id>``, only answer under a site the user belongs to.
"""

from __future__ import annotations

from typing import Any

import requests


class RestError(Exception):
    """WordPress answered with an error; ``status`` and ``code`` are WordPress's."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class RestAuthError(RestError):
    """401/403: the Application Password or the user's capabilities were refused."""


class RestNotFound(RestError):
    """404: no such route or object."""


class WordPressUnavailable(RestError):
    """WordPress could not be reached, timed out, or failed with a 5xx."""


class RestClient:
    """A small client for ``/wp-json`` routes of one network."""

    def __init__(
        self,
        network_url: str,
        *,
        auth: tuple[str, str] | None = None,
        timeout: float = 10.0,
        session: requests.Session | None = None,
    ):
        self.network_url = network_url.rstrip("/") + "/"
        self.timeout = timeout
        self.session = session or requests.Session()
        self.auth = auth

    def get(self, route: str, *, params: dict | None = None, site_path: str = "/", **kw) -> Any:
        """GET a route; return the decoded JSON. Raises RestError subclasses."""
        return self.request("GET", route, params=params, site_path=site_path, **kw)

    def post(self, route: str, *, json: Any = None, site_path: str = "/", **kw) -> Any:
        """POST JSON to a route; return the decoded JSON. Raises RestError subclasses."""
        return self.request("POST", route, json=json, site_path=site_path, **kw)

    def request(
        self,
        method: str,
        route: str,
        *,
        params: dict | None = None,
        json: Any = None,
        site_path: str = "/",
        headers: dict | None = None,
    ) -> Any:
        """Send one request; return the decoded JSON body. Raises RestError subclasses."""
        url = self.network_url + site_path.strip("/")
        url = url.rstrip("/") + "/"
        query = {"rest_route": route, **(params or {})}
        try:
            response = self.session.request(
                method,
                url,
                params=query,
                json=json,
                headers=headers,
                auth=self.auth,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as error:
            raise WordPressUnavailable(0, "unreachable", str(error.__class__.__name__)) from None
        return _decode(response)


def _decode(response: requests.Response) -> Any:
    """Return the JSON body of a 2xx answer, or raise the matching RestError."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if 200 <= response.status_code < 300 and body is not None:
        return body
    code, message = _error_fields(body, response)
    raise _error_class(response.status_code)(response.status_code, code, message)


def _error_fields(body: Any, response: requests.Response) -> tuple[str, str]:
    if isinstance(body, dict) and "code" in body:
        return str(body["code"]), str(body.get("message", ""))
    return "invalid_response", f"unexpected answer (HTTP {response.status_code})"


def _error_class(status: int) -> type[RestError]:
    if status in (401, 403):
        return RestAuthError
    if status == 404:
        return RestNotFound
    if status >= 500 or status < 200:
        return WordPressUnavailable
    return RestError
