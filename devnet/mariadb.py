"""Make sure a MariaDB server answers, and create or drop one network's database and user.

Two kinds of machine: where the machine started MariaDB, root logs in with an empty password
over 127.0.0.1; where devnet (or apt) installed it, root may log in only through the unix
socket. Both are tried. A server that is installed but not running is started in the
background (``mariadbd --user=mysql`` in its own session); it is shared by all networks and
left running.
"""

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pymysql

from devnet.errors import DevnetError
from devnet.log import say
from devnet.paths import VAR_DIR

HOST = "127.0.0.1"
PORT = 3306
SOCKETS = ("/run/mysqld/mysqld.sock", "/var/run/mysqld/mysqld.sock")
WP_HOSTS = ("localhost", "127.0.0.1")


def answers(host: str = HOST, port: int = PORT, timeout: float = 1.0) -> bool:
    """Return True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _mariadbd() -> str:
    """Return the server binary's path; raise DevnetError when MariaDB is not installed."""
    found = shutil.which("mariadbd") or (
        "/usr/sbin/mariadbd" if os.path.exists("/usr/sbin/mariadbd") else None
    )
    if not found:
        raise DevnetError(
            f"nothing answers on {HOST}:{PORT} and MariaDB is not installed: "
            "run scripts/system-deps.sh (as root)"
        )
    return found


def _prepare_dirs(datadir: Path) -> None:
    """Create the socket folder and, if empty, the system tables (as Debian's postinst would)."""
    rundir = Path("/run/mysqld")
    rundir.mkdir(parents=True, exist_ok=True)
    shutil.chown(rundir, "mysql", "mysql")
    if not (datadir / "mysql").is_dir():
        say(f"mariadb: initialising {datadir}")
        subprocess.run(
            ["mariadb-install-db", "--user=mysql", f"--datadir={datadir}"],
            check=True,
            capture_output=True,
        )


def start_server(port: int = PORT, timeout: float = 30.0) -> None:
    """Start the installed MariaDB in the background and wait until it answers.

    Its output goes to ``var/mariadb.log``. Raises DevnetError when it does not answer in time.
    """
    binary = _mariadbd()
    _prepare_dirs(Path("/var/lib/mysql"))
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    log = VAR_DIR / "mariadb.log"
    with open(log, "ab") as out:
        subprocess.Popen(
            [binary, "--user=mysql"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers(HOST, port):
            return
        time.sleep(0.3)
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-10:])
    raise DevnetError(f"mariadbd did not answer on {HOST}:{port} within {timeout:.0f}s:\n{tail}")


def ensure_running() -> str:
    """Make sure MariaDB answers on 127.0.0.1:3306; return what was done (for the report)."""
    if answers():
        return "answering"
    say("mariadb: not answering, starting mariadbd --user=mysql")
    start_server()
    return "started"


def admin_connect(host: str = HOST, port: int = PORT, sockets=SOCKETS):
    """Log in as root: empty password over TCP, else through the unix socket.

    Returns (connection, how). Raises DevnetError when neither way works.
    """
    try:
        return pymysql.connect(
            host=host, port=port, user="root", password="", autocommit=True
        ), "root over TCP"
    except pymysql.err.OperationalError as exc:
        tcp_error = exc
    for path in sockets:
        if os.path.exists(path):
            try:
                return pymysql.connect(
                    unix_socket=path, user="root", password="", autocommit=True
                ), "root over unix socket"
            except pymysql.err.OperationalError:
                continue
    raise DevnetError(
        f"cannot log in to MariaDB as root (TCP said: {tcp_error.args[-1]}; "
        f"no usable socket among {', '.join(sockets)})"
    )


def check_identifier(name: str) -> str:
    """Return ``name`` if it is a safe database/user name ([A-Za-z0-9_], ≤64); else raise."""
    if not re.match(r"^[A-Za-z0-9_]{1,64}$", name):
        raise DevnetError(f"unsafe database identifier {name!r}")
    return name


def user_can_connect(db: dict) -> bool:
    """Return True when ``db``'s user logs in with its password and may use its database."""
    try:
        pymysql.connect(
            host=db["host"],
            port=db["port"],
            user=db["user"],
            password=db["password"],
            database=db["name"],
        ).close()
        return True
    except pymysql.err.MySQLError:
        return False


def ensure_database(db: dict) -> str:
    """Create ``db``'s database and its user (for localhost and 127.0.0.1) as needed.

    Sets the user's password to ``db["password"]``. Returns "reused" or "created".
    Raises DevnetError when root cannot log in.
    """
    name, user = check_identifier(db["name"]), check_identifier(db["user"])
    if user_can_connect(db):
        return "reused"
    conn, how = admin_connect(db["host"], db["port"])
    say(f"mariadb: creating database {name} and user {user} (as {how})")
    with conn, conn.cursor() as cur:
        cur.execute(
            f"CREATE DATABASE IF NOT EXISTS `{name}` "
            "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
        for host in WP_HOSTS:
            cur.execute(
                "CREATE USER IF NOT EXISTS %s@%s IDENTIFIED BY %s", (user, host, db["password"])
            )
            cur.execute("ALTER USER %s@%s IDENTIFIED BY %s", (user, host, db["password"]))
            cur.execute(f"GRANT ALL PRIVILEGES ON `{name}`.* TO %s@%s", (user, host))
    return "created"


def drop_database(name: str, user: str) -> None:
    """Drop database ``name`` and user ``user`` (both hosts) if they exist."""
    name, user = check_identifier(name), check_identifier(user)
    conn, _how = admin_connect()
    with conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        for host in WP_HOSTS:
            cur.execute("DROP USER IF EXISTS %s@%s", (user, host))


def network_domain(db: dict):
    """Return the domain of network 1 in ``db``'s database, or None when there is none yet."""
    site_table = check_identifier(db["table_prefix"] + "site")
    conn = pymysql.connect(
        host=db["host"],
        port=db["port"],
        user=db["user"],
        password=db["password"],
        database=db["name"],
    )
    with conn, conn.cursor() as cur:
        cur.execute("SHOW TABLES LIKE %s", (site_table.replace("_", "\\_"),))
        if cur.fetchone() is None:
            return None
        cur.execute(f"SELECT domain FROM `{site_table}` WHERE id = 1")
        row = cur.fetchone()
        return row[0] if row else None
