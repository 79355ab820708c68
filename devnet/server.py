"""Start and stop a network's web server: ``php -S`` with devnet's multisite router.

The server is started in its own session (``setsid``) with ``PHP_CLI_SERVER_WORKERS=4``;
its pid - the process group leader - goes to ``var/<name>/php.pid`` and its output to
``var/<name>/php.log``. Stopping signals the whole process group (the workers too).
"""

import base64
import contextlib
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from devnet.errors import DevnetError
from devnet.mariadb import answers
from devnet.paths import PHP_DIR

HOST = "127.0.0.1"
WORKERS = "4"


def read_pid(pid_file: Path):
    """Return the pid in ``pid_file``, or None when there is none."""
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def _is_our_server(pid: int, port: int) -> bool:
    """Return True when ``pid`` is alive and is a ``php -S`` on ``port``."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"-S" in cmdline and f"{HOST}:{port}".encode() in cmdline


def running(pid_file: Path, port: int) -> bool:
    """Return True when the server of ``pid_file`` runs and its port answers."""
    pid = read_pid(pid_file)
    return pid is not None and _is_our_server(pid, port) and answers(HOST, port)


def _command(port: int, docroot: Path) -> list:
    """Return the php command line (OPcache on, re-checking file times on every request)."""
    ini = ["opcache.enable_cli=1", "opcache.revalidate_freq=0", "display_errors=0", "log_errors=1"]
    return [
        "php",
        *(arg for setting in ini for arg in ("-d", setting)),
        "-q",
        "-S",
        f"{HOST}:{port}",
        "-t",
        str(docroot),
        str(PHP_DIR / "router.php"),
    ]


def _wait_http(port: int, proc, timeout: float) -> None:
    """Wait until the server answers an HTTP request; raise DevnetError if it exits or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise DevnetError(f"php -S on port {port} exited with status {proc.returncode}")
        try:
            urllib.request.urlopen(
                f"http://{HOST}:{port}/wp-includes/images/blank.gif", timeout=2
            ).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise DevnetError(f"php -S on port {port} did not answer within {timeout:.0f}s")


def start(port: int, docroot: Path, pid_file: Path, log_file: Path, timeout: float = 20.0) -> str:
    """Start the server unless it already runs; return "reused" or "started".

    Raises DevnetError when something else holds the port or the server does not come up
    (the log's tail is in the message).
    """
    if running(pid_file, port):
        return "reused"
    if answers(HOST, port):
        raise DevnetError(f"port {port} is in use by another program")
    env = dict(os.environ, PHP_CLI_SERVER_WORKERS=WORKERS)
    with open(log_file, "ab") as log:
        proc = subprocess.Popen(
            _command(port, docroot),
            cwd=docroot,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    pid_file.write_text(f"{proc.pid}\n")
    try:
        _wait_http(port, proc, timeout)
    except DevnetError as exc:
        stop(pid_file, port)
        tail = "\n".join(log_file.read_text(errors="replace").splitlines()[-10:])
        raise DevnetError(f"{exc}\n{tail}") from exc
    return "started"


def _group_alive(pgid: int) -> bool:
    """Return True while a process of group ``pgid`` runs (zombies do not count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def stop(pid_file: Path, port: int, timeout: float = 10.0) -> str:
    """Stop the server's whole process group; return "stopped" or "not running".

    Sends SIGTERM, then SIGKILL after ``timeout`` seconds. Only a ``php -S`` on ``port``
    whose pid is in ``pid_file`` is signalled.
    """
    pid = read_pid(pid_file)
    if pid is None or not _is_our_server(pid, port):
        pid_file.unlink(missing_ok=True)
        return "not running"
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _group_alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.1)
    if _group_alive(pid):
        os.killpg(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    return "stopped"


def _reap(pid: int) -> None:
    """Collect ``pid``'s exit status if it is our own child (started in this process)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def check_rest(url: str, login: str, app_password: str, log_file: Path) -> None:
    """Ask the REST API who ``login`` is, with the application password; expect 200.

    Raises DevnetError (with the log's tail) when WordPress answers anything else.
    """
    token = base64.b64encode(f"{login}:{app_password}".encode()).decode()
    request = urllib.request.Request(
        f"{url}wp-json/wp/v2/users/me", headers={"Authorization": f"Basic {token}"}
    )
    try:
        urllib.request.urlopen(request, timeout=30).close()
    except (urllib.error.URLError, OSError) as exc:
        tail = "\n".join(log_file.read_text(errors="replace").splitlines()[-10:])
        raise DevnetError(f"{url}wp-json/wp/v2/users/me as {login} failed: {exc}\n{tail}") from exc
