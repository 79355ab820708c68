"""Queries on the sidecar's own tables (``{prefix}sidecar_*``). No business rules here."""


def table(prefix: str, name: str) -> str:
    """Return the back-quoted name of sidecar table ``name`` (``wp_sidecar_<name>``)."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"bad table name {name!r}")
    return f"`{prefix}sidecar_{name}`"
