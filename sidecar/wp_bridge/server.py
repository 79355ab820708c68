"""Facts about the database server itself: the current user's grants and global variables."""

from __future__ import annotations

import re

from .db import Database

_GRANT = re.compile(r"^GRANT (?P<privs>.+?) ON (?P<target>\S+) TO ", re.I)


def grants(db: Database) -> list[str]:
    """Return the lines of ``SHOW GRANTS`` for the connected user."""
    rows = db.fetch_all("SHOW GRANTS FOR CURRENT_USER()")
    return [next(iter(row.values())) for row in rows]


def database_name(db: Database) -> str:
    """Return the name of the database the connection uses."""
    return str(db.fetch_value("SELECT DATABASE()"))


def privileges_on(grant_lines: list[str], database: str) -> set[str]:
    """Return the privileges (upper case; ``ALL`` expanded by the caller) that ``grant_lines``
    give on every table of ``database`` (global and database-wide grants; ``_``/``%``
    wildcards in the database name honoured)."""
    found: set[str] = set()
    for line in grant_lines:
        match = _GRANT.match(line)
        if not match:
            continue
        target = match["target"]
        db_part, _, table_part = target.rpartition(".")
        if table_part != "*" or not _matches(db_part.strip("`"), database):
            continue
        for priv in match["privs"].split(","):
            name = re.sub(r"\(.*\)", "", priv).strip().upper()
            found.add("ALL" if name.startswith("ALL") else name)
    return found


def _matches(pattern: str, database: str) -> bool:
    if pattern == "*":
        return True
    regex = ""
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            regex += re.escape(pattern[i + 1])
            i += 2
            continue
        regex += "." if char == "_" else ".*" if char == "%" else re.escape(char)
        i += 1
    return re.fullmatch(regex, database) is not None


def global_variables(db: Database, names: list[str]) -> dict[str, str]:
    """Return the server's global variables ``names`` (lower case) that exist."""
    placeholders = ", ".join(["%s"] * len(names))
    rows = db.fetch_all(
        "SELECT LOWER(VARIABLE_NAME) AS name, VARIABLE_VALUE AS value"
        f" FROM information_schema.GLOBAL_VARIABLES WHERE LOWER(VARIABLE_NAME) IN ({placeholders})",
        [n.lower() for n in names],
    )
    return {row["name"]: str(row["value"]) for row in rows}
