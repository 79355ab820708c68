"""The only package that touches WordPress: its database tables, its REST API and the shim.

``WordPress`` bundles the collaborators a domain function needs for one request or job: the
database connection (shared with the sidecar's own store), the core REST client and the shim
client. Handlers never reach past it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .db import Database
from .rest import RestClient
from .shim import ShimClient


@dataclass
class WordPress:
    db: Database
    rest: RestClient
    shim: ShimClient
    network_id: int
