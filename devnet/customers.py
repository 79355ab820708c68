"""The customers a network gets: ``base.json`` always, ``demo.json`` with ``--demo``.

Each customer is one user who alone administers one site with a few posts. Passwords are
generated once and kept in the state file.
"""

import json

from devnet.paths import PACKAGE_DIR
from devnet.state import password


def load_specs(file_name: str) -> list:
    """Return the customer specs of ``devnet/<file_name>``."""
    return json.loads((PACKAGE_DIR / file_name).read_text())["customers"]


def wanted(demo: bool, previous: list) -> list:
    """Return the customer specs for this run, each with its password.

    Base customers always; demo customers with ``demo``, or when the network already has
    them (``previous`` is the state's customer list). Passwords already in ``previous`` are
    kept, new ones generated.
    """
    base, extra = load_specs("base.json"), load_specs("demo.json")
    had = {c["login"]: c for c in previous}
    specs = base + [c for c in extra if demo or c["login"] in had]
    return [
        dict(spec, password=had.get(spec["login"], {}).get("password") or password(20))
        for spec in specs
    ]
