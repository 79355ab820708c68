"""Signs assertions the way the shim does, so HTTP tests can speak to the sidecar directly.
The real shim is exercised by the browser tests; this lets us forge, expire and replay."""

from __future__ import annotations

import time
from dataclasses import replace

from sidecar.assertions import Claims, new_jti, sign


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
