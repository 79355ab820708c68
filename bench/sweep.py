"""``sweep_10k_sites``: the sidecar's usage sweep vs the PHP way, over generated sites.

N = 10,000 × BENCH_SCALE sites are generated directly with SQL in the bench network: each
gets WordPress's ten per-site tables (``CREATE TABLE … LIKE`` a real site's), the real site's
options, a spread of posts (most sites small, a few large; posts, pages, attachments,
revisions in several statuses) with post meta and comments, 1–6 users with roles, and an
uploads folder of 0–3 months with files of 10 KB–3 MB (sparse files: sizes without the disk).

Both ways run warm (each timed right after an untimed run of its own, ``REPEATS`` times,
interleaved, the best run counting: the machine is shared): the PHP loop (``bench/php/
sweep_baseline.php``: ``switch_to_blog`` + ``wp_count_posts`` ×2 + ``count_users`` +
``get_space_used`` as core measures it, i.e. without the shim's ``pre_get_space_used``
answer) and the sidecar's whole sweep (counts, users per role, disk, visits, storing usage
and history, publishing changed options; no cache clears; a second connection reads ahead,
as the jobs process runs it). Each is measured with MariaDB's default table caches and with
the recommended ones (``SET GLOBAL``, restored afterwards). Everything generated is removed
at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from sidecar.config import load_settings
from sidecar.context import Clients
from sidecar.domain.clock import utcnow
from sidecar.domain.sweep import BATCH, SweepOptions, sweep
from sidecar.domain.usage import measure
from sidecar.store import disk_cache, usage_history
from sidecar.store import usage as usage_store
from sidecar.store.migrate import migrate
from sidecar.wp_bridge import WordPress
from sidecar.wp_bridge.db import connect

from .results import Result

SITES_AT_SCALE_1 = 10_000
TEMPLATE_BLOG = 2
PATH_PREFIX = "/bench-sweep-"
USER_PREFIX = "bench_sweep_"
BENCH_USERS = 40
TABLES = (
    "posts",
    "postmeta",
    "comments",
    "commentmeta",
    "options",
    "links",
    "terms",
    "term_taxonomy",
    "term_relationships",
    "termmeta",
)
ROLES = ("editor", "author", "contributor", "subscriber", "administrator")
DEFAULT_CACHES = {"table_open_cache": 2000, "table_definition_cache": 400}
RECOMMENDED_CACHES = {"table_open_cache": 40000, "table_definition_cache": 40000}
GOAL_RATIO = 0.05  # at least 20 times faster than the PHP loop
GOAL_TOTAL_S = 10.0  # for 10,000 sites
REPEATS = 3
PHP = Path(__file__).with_name("php") / "sweep_baseline.php"


def run(network: dict, scale: float) -> list[Result]:
    """Generate the sites, measure both ways under both cache settings, clean up."""
    count = max(20, round(SITES_AT_SCALE_1 * scale))
    settings = load_settings(network["config_toml"], environ={})
    uploads = Path(network["wp_path"]) / "wp-content" / "uploads"
    db = connect(settings.database)
    migrate(db)
    root = _root_connection()
    saved = _current_caches(root)
    try:
        _cleanup(db, uploads)
        ids = _generate(settings, network, db, uploads, count)
        timings = {
            label: _measure(settings, network, db, root, ids, uploads, caches)
            for label, caches in (("defaults", DEFAULT_CACHES), ("recommended", RECOMMENDED_CACHES))
        }
    finally:
        _set_caches(root, saved)
        _cleanup(db, uploads)
        db.close()
        root.close()
    return _results(count, timings)


# --- measuring -------------------------------------------------------------------------------


def _measure(settings, network, db, root, ids, uploads, caches) -> dict:
    """Both ways, warm, under ``caches``: ms per site and the sweep's total seconds."""
    _set_caches(root, caches)
    with tempfile.NamedTemporaryFile("w", suffix=".ids", delete=False) as handle:
        handle.write("\n".join(map(str, ids)))
    try:
        runs = [
            _warm_runs(settings, network, db, ids, uploads, handle.name) for _ in range(REPEATS)
        ]
        php_ms = min(run[0] for run in runs)
        report = min((run[1] for run in runs), key=lambda r: r.seconds)
        measure_ms = min(run[2] for run in runs)
    finally:
        os.unlink(handle.name)
    return {
        "php_ms_per_site": php_ms / len(ids),
        "sidecar_ms_per_site": report.seconds * 1000 / report.sites,
        "sidecar_total_s": report.seconds,
        "measure_ms_per_site": measure_ms / len(ids),
        "sites_swept": report.sites,
        "published": report.published,
    }


def _warm_runs(settings, network, db, ids, uploads, ids_file: str) -> tuple:
    """Each way timed right after an untimed run of its own, so that each finds its own
    tables and pages in MariaDB's caches (and not evicted by the other's): the PHP loop
    (its first run also creates core's dirsize transients), the sweep (its first run
    publishes every site), then measuring only."""
    _php_ms(network, ids_file)
    php_ms = _php_ms(network, ids_file)
    _sidecar_sweep(settings, db, uploads)
    report = _sidecar_sweep(settings, db, uploads)
    return php_ms, report, _measure_only_ms(db, ids, uploads)


def _php_ms(network: dict, ids_file: str) -> float:
    host = urlsplit(network["url"]).netloc
    done = subprocess.run(
        ["php", "-d", "memory_limit=-1", str(PHP), network["wp_path"], host, ids_file],
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    return float(json.loads(done.stdout.strip().splitlines()[-1])["ms"])


def _sidecar_sweep(settings, db, uploads: Path):
    """The sweep as the jobs process runs it (a second connection reads ahead)."""
    clients = Clients(settings)
    wp = WordPress(db, clients.rest, clients.shim, settings.wordpress.network_id)
    options = SweepOptions(network_id=1, uploads_dir=str(uploads), clear_caches=False)
    reader = connect(settings.database)
    try:
        return sweep(wp, options, utcnow(), reader=reader)
    finally:
        reader.close()


def _measure_only_ms(db, ids: list[int], uploads: Path) -> float:
    """Only what the PHP loop does: posts, users, disk (and visits) of every generated site,
    in batches, nothing stored."""
    now = utcnow()
    started = time.perf_counter()
    for start in range(0, len(ids), BATCH):
        measure(db, ids[start : start + BATCH], str(uploads), now)
    return (time.perf_counter() - started) * 1000


def _results(count: int, timings: dict) -> list[Result]:
    results = []
    for label, suffix in (("recommended", ""), ("defaults", "_mariadb_defaults")):
        t = timings[label]
        ratio = t["sidecar_ms_per_site"] / t["php_ms_per_site"]
        results.append(
            Result(
                f"sweep_10k_sites{suffix}",
                round(t["sidecar_ms_per_site"], 4),
                "ms",
                f"php_loop_per_site{suffix}",
                round(t["php_ms_per_site"], 4),
                goal=(
                    f"ratio <= {GOAL_RATIO} (>= 20x faster; {count} sites, ms per site; PHP"
                    " loop with core's disk measurement)"
                ),
                meets_goal=ratio <= GOAL_RATIO,
            )
        )
        results.append(
            Result(
                f"sweep_10k_sites_measure_only{suffix}",
                round(t["measure_ms_per_site"], 4),
                "ms",
                f"php_loop_per_site{suffix}",
                round(t["php_ms_per_site"], 4),
                goal=f"ratio <= {GOAL_RATIO} (counts, users, disk; nothing stored)",
                meets_goal=t["measure_ms_per_site"] / t["php_ms_per_site"] <= GOAL_RATIO,
            )
        )
        projected = t["sidecar_ms_per_site"] * SITES_AT_SCALE_1 / 1000
        how = "measured" if t["sites_swept"] >= SITES_AT_SCALE_1 else "projected"
        results.append(
            Result(
                f"sweep_10k_sites_total{suffix}",
                round(projected, 2),
                "s",
                goal=(
                    f"<= {GOAL_TOTAL_S} s for 10,000 sites ({t['sidecar_total_s']:.2f} s"
                    f" for the {t['sites_swept']} sites swept; {how})"
                ),
                meets_goal=projected <= GOAL_TOTAL_S,
            )
        )
    return results


# --- MariaDB's table caches --------------------------------------------------------------------


def _root_connection():
    from devnet.mariadb import admin_connect

    return admin_connect()[0]


def _current_caches(root) -> dict:
    with root.cursor() as cur:
        cur.execute("SELECT @@GLOBAL.table_open_cache, @@GLOBAL.table_definition_cache")
        open_cache, definitions = cur.fetchone()
    return {"table_open_cache": int(open_cache), "table_definition_cache": int(definitions)}


def _set_caches(root, values: dict) -> None:
    with root.cursor() as cur:
        for name, value in values.items():
            cur.execute(f"SET GLOBAL {name} = %s", (int(value),))


# --- generating ------------------------------------------------------------------------------


def _generate(settings, network, db, uploads: Path, count: int) -> list[int]:
    """Create ``count`` sites (tables, rows, users, uploads); return their blog ids."""
    started = time.monotonic()
    users = _bench_users(db)
    first = int(db.fetch_value("SELECT MAX(blog_id) FROM wp_blogs")) + 1
    ids = list(range(first, first + count))
    host = urlsplit(network["url"]).netloc
    chunks = [ids[i::4] for i in range(4)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda chunk: _make_sites(settings, chunk, users, host, uploads), chunks))
    print(f"sweep_10k_sites: generated {count} sites in {time.monotonic() - started:.0f}s")
    return ids


def _bench_users(db) -> list[int]:
    for n in range(BENCH_USERS):
        login = f"{USER_PREFIX}{n}"
        db.execute(
            "INSERT INTO wp_users (user_login, user_pass, user_nicename, user_email,"
            " user_registered, display_name) VALUES (%s, '', %s, %s, NOW(), %s)",
            (login, login, f"{login}@example.test", login),
        )
    rows = db.fetch_all("SELECT ID FROM wp_users WHERE user_login LIKE %s", (USER_PREFIX + "%",))
    return [int(row["ID"]) for row in rows]


def _make_sites(settings, blog_ids: list[int], users: list[int], host: str, uploads: Path):
    db = connect(settings.database)
    rng = random.Random(blog_ids[0])
    try:
        for blog_id in blog_ids:
            _make_site(db, blog_id, rng, users, host)
            _make_uploads(uploads / "sites" / str(blog_id), rng)
    finally:
        db.close()


def _make_site(db, blog_id: int, rng: random.Random, users: list[int], host: str) -> None:
    prefix = f"wp_{blog_id}_"
    db.execute(  # first, so that a clean-up after a crash finds the site's tables
        "INSERT INTO wp_blogs (blog_id, site_id, domain, path, registered, last_updated,"
        " public, archived, mature, spam, deleted, lang_id)"
        " VALUES (%s, 1, %s, %s, NOW(), NOW(), 1, 0, 0, 0, 0, 0)",
        (blog_id, host, f"{PATH_PREFIX}{blog_id}/"),
    )
    for name in TABLES:
        db.execute(f"CREATE TABLE `{prefix}{name}` LIKE `wp_{TEMPLATE_BLOG}_{name}`")
    db.execute(
        f"INSERT INTO `{prefix}options` (option_name, option_value, autoload)"
        " SELECT IF(option_name = %s, %s, option_name), option_value, autoload"
        f" FROM `wp_{TEMPLATE_BLOG}_options` WHERE option_name NOT LIKE '\\_%%transient%%'",
        (f"wp_{TEMPLATE_BLOG}_user_roles", f"{prefix}user_roles"),
    )
    url = f"http://{host}{PATH_PREFIX}{blog_id}"
    db.execute(
        f"UPDATE `{prefix}options` SET option_value = %s WHERE option_name IN ('siteurl', 'home')",
        (url,),
    )
    db.execute(f"INSERT INTO `{prefix}terms` SELECT * FROM `wp_{TEMPLATE_BLOG}_terms`")
    db.execute(
        f"INSERT INTO `{prefix}term_taxonomy` SELECT * FROM `wp_{TEMPLATE_BLOG}_term_taxonomy`"
    )
    _make_posts(db, prefix, _size(rng))
    _make_members(db, prefix, rng, users)


def _size(rng: random.Random) -> int:
    """Posts table rows: most sites small, some medium, a few large."""
    pick = rng.random()
    if pick < 0.70:
        return rng.randint(5, 40)
    if pick < 0.95:
        return rng.randint(40, 300)
    return rng.randint(300, 2000)


_POST_TYPE = (
    "CASE WHEN seq %% 20 < 12 THEN 'post' WHEN seq %% 20 < 14 THEN 'page'"
    " WHEN seq %% 20 < 18 THEN 'attachment' ELSE 'revision' END"
)
_POST_STATUS = (
    "CASE WHEN seq %% 20 >= 14 THEN 'inherit' WHEN seq %% 10 < 7 THEN 'publish'"
    " WHEN seq %% 10 = 7 THEN 'draft' WHEN seq %% 10 = 8 THEN 'private' ELSE 'trash' END"
)


def _make_posts(db, prefix: str, rows: int) -> None:
    db.execute(
        f"INSERT INTO `{prefix}posts` (post_author, post_date, post_date_gmt, post_content,"
        " post_title, post_excerpt, post_status, post_name, to_ping, pinged, post_modified,"
        " post_modified_gmt, post_content_filtered, guid, post_type, post_mime_type)"
        " SELECT 1, NOW() - INTERVAL seq HOUR, UTC_TIMESTAMP() - INTERVAL seq HOUR,"
        " REPEAT('Lorem ipsum dolor sit amet, consectetur adipiscing elit. ', 5 + seq %% 30),"
        f" CONCAT('Item ', seq), '', {_POST_STATUS}, CONCAT('item-', seq), '', '',"
        " NOW(), UTC_TIMESTAMP(), '', CONCAT('http://bench/?p=', seq),"
        f" {_POST_TYPE}, IF(seq %% 20 BETWEEN 14 AND 17, 'image/jpeg', '')"
        f" FROM seq_1_to_{int(rows)}"
    )
    db.execute(
        f"INSERT INTO `{prefix}postmeta` (post_id, meta_key, meta_value)"
        f" SELECT ID, '_edit_last', '1' FROM `{prefix}posts`"
        f" UNION ALL SELECT ID, '_edit_lock', CONCAT(ID, ':1') FROM `{prefix}posts`"
    )
    db.execute(
        f"INSERT INTO `{prefix}comments` (comment_post_ID, comment_author, comment_author_email,"
        " comment_author_url, comment_author_IP, comment_date, comment_date_gmt,"
        " comment_content, comment_approved, comment_agent, comment_type)"
        " SELECT 1, 'Visitor', 'visitor@example.test', '', '127.0.0.1', NOW(), UTC_TIMESTAMP(),"
        f" 'Nice post!', '1', 'bench', 'comment' FROM seq_1_to_{1 + rows // 20}"
    )


def _make_members(db, prefix: str, rng: random.Random, users: list[int]) -> None:
    members = [1, *rng.sample(users, rng.randint(0, 5))]
    rows = []
    for index, user_id in enumerate(members):
        role = "administrator" if index == 0 else rng.choice(ROLES)
        caps = f'a:1:{{s:{len(role)}:"{role}";b:1;}}'
        rows += [(user_id, f"{prefix}capabilities", caps), (user_id, f"{prefix}user_level", "0")]
    marks = ", ".join(["(%s, %s, %s)"] * len(rows))
    db.execute(
        f"INSERT INTO wp_usermeta (user_id, meta_key, meta_value) VALUES {marks}",
        [item for row in rows for item in row],
    )


def _make_uploads(folder: Path, rng: random.Random) -> None:
    for month in range(rng.randint(0, 3)):
        where = folder / "2025" / f"{month + 1:02d}"
        where.mkdir(parents=True, exist_ok=True)
        for n in range(rng.randint(0, 8)):
            with open(where / f"image-{n}.jpg", "wb") as handle:
                handle.truncate(rng.randint(10_000, 3_000_000))


# --- cleaning up -----------------------------------------------------------------------------


def _cleanup(db, uploads: Path) -> None:
    """Remove every generated site: tables, rows, users, sidecar rows and uploads."""
    rows = db.fetch_all(
        "SELECT blog_id FROM wp_blogs WHERE path LIKE %s", (PATH_PREFIX.replace("_", "\\_") + "%",)
    )
    ids = [int(row["blog_id"]) for row in rows]
    for chunk in (ids[i : i + 200] for i in range(0, len(ids), 200)):
        _drop_sites(db, chunk, uploads)
    users = USER_PREFIX.replace("_", "\\_") + "%"
    db.execute(
        "DELETE um FROM wp_usermeta um JOIN wp_users u ON u.ID = um.user_id"
        " WHERE u.user_login LIKE %s",
        (users,),
    )
    db.execute("DELETE FROM wp_users WHERE user_login LIKE %s", (users,))


def _drop_sites(db, ids: list[int], uploads: Path) -> None:
    tables = ", ".join(f"`wp_{blog_id}_{name}`" for blog_id in ids for name in TABLES)
    db.execute(f"DROP TABLE IF EXISTS {tables}")
    suffixes = ("capabilities", "user_level")
    keys = [f"wp_{blog_id}_{suffix}" for blog_id in ids for suffix in suffixes]
    marks = ", ".join(["%s"] * len(keys))
    db.execute(f"DELETE FROM wp_usermeta WHERE meta_key IN ({marks})", keys)
    marks = ", ".join(["%s"] * len(ids))
    db.execute(f"DELETE FROM wp_blogs WHERE blog_id IN ({marks})", ids)
    for store in (usage_store, usage_history, disk_cache):
        store.delete_sites(db, ids)
    for blog_id in ids:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(uploads / "sites" / str(blog_id))
