"""Signs assertions the way the shim does, so HTTP tests can speak to the sidecar directly.
The real shim is exercised by the browser tests; this lets us forge, expire and replay."""

from __future__ import annotations

import re
import time
from dataclasses import replace

import requests

from sidecar.assertions import Claims, new_jti, sign

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def claims_for(
    network: dict, *, aud: str, sub: int, blog: int, path: str, method="GET", **changes
) -> Claims:
    now = int(time.time())
    claims = Claims(
        aud=aud,
        sub=sub,
        blog=blog,
        net=1,
        iat=now,
        exp=now + 60,
        jti=new_jti(),
        mth=method,
        pth=path,
        ses="0" * 64,
        base=f"{network['url'].rstrip('/')}/wp-admin/admin.php?page=sidecar-{aud}",
        rid="test",
        loc="en_US",
    )
    return replace(claims, **changes)


def assertion_header(network: dict, secret: str | None = None, **kwargs) -> dict:
    claims = claims_for(network, **kwargs)
    return {"X-Sidecar-Assertion": sign(secret or network["secret"], claims)}


def signed_request(
    sidecar_url: str,
    network: dict,
    path: str,
    method: str = "GET",
    data=None,
    *,
    timeout: float = 30,
    **claims,
) -> requests.Response:
    """``method`` ``path`` on the sidecar with the shim's signed header for ``claims`` (aud,
    sub, blog, …; the query string is not part of the signed path); redirects not followed."""
    headers = assertion_header(network, path=path.split("?", 1)[0], method=method, **claims)
    return requests.request(
        method,
        f"{sidecar_url}{path}",
        headers=headers,
        data=data,
        timeout=timeout,
        allow_redirects=False,
    )


def csrf_in(page: requests.Response) -> str:
    """The CSRF token of the form on a sidecar page."""
    return _CSRF.search(page.text)[1]
