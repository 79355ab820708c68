"""``template_switch``: a full template switch vs the copy floor vs row-by-row rewriting.

A template site and a target site are created in the bench network (``wpmu_create_blog``) and
filled with SQL: 5,000 × BENCH_SCALE posts (block content with plain and JSON-escaped URLs and
upload URLs), 50,000 × BENCH_SCALE postmeta rows (a third PHP-serialized with multibyte text,
nine in ten of those holding the site URL; a third plain URLs; a third numbers), 500 ×
BENCH_SCALE options (half serialized with URLs) and a comment per ten posts. The target gets
the same amount of its own content.

Measured (each way on the same template):
- floor: ``CREATE TABLE … LIKE`` + ``INSERT … SELECT`` of every template table, nothing else;
- row by row: the floor's copy, then every row holding a template string is selected, rewritten
  in Python (the same byte-exact replacer) and written back with one UPDATE per row, as PHP
  plugins do;
- the sidecar's switch: ``switch_worker.run`` end to end (copy with rewriting in SQL,
  serialized values in batches, identity options, media, the atomic rename, the cache clear);
  like the floor, the best of two runs.
Afterwards the template URL is searched in every table of the switched site: it must be gone.
Everything generated is removed at the end.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import time
from urllib.parse import urlsplit

from sidecar.config import load_settings
from sidecar.domain import switch_worker, template_switch
from sidecar.domain.events import SYSTEM
from sidecar.domain.search_replace import Replacer, encoded_forms
from sidecar.jobs.template_jobs import cache_clearer
from sidecar.store.migrate import migrate
from sidecar.wp_bridge import site_copy
from sidecar.wp_bridge.db import Database, connect

from .results import Result

POSTS, POSTMETA, OPTIONS = 5_000, 50_000, 500
GOAL_FLOOR_RATIO = 1.5
GOAL_SPEEDUP = 10.0
SCRATCH_SWITCH = 1_999_999_001

_PHP = r"""
$job = json_decode( $argv[1], true );
$_SERVER['HTTP_HOST'] = $job['host']; $_SERVER['SERVER_NAME'] = explode( ':', $job['host'] )[0];
$_SERVER['REQUEST_URI'] = '/'; $_SERVER['REQUEST_METHOD'] = 'GET';
require $job['wp_path'] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';
$out = ( static function ( array $job ) {
    if ( 'create' === $job['do'] ) {
        $id = wpmu_create_blog( $job['host'], $job['path'], $job['title'], 1 );
        if ( is_wp_error( $id ) ) { throw new Exception( $id->get_error_message() ); }
        return array( 'id' => $id, 'home' => get_home_url( $id ) );
    }
    foreach ( $job['blogs'] as $id ) {
        if ( $id > 1 && get_site( $id ) ) { wpmu_delete_blog( $id, true ); }
    }
    return true;
} )( $job );
echo "\n@@" . wp_json_encode( $out );
"""


def _php(network: dict, **job) -> object:
    payload = {"host": urlsplit(network["url"]).netloc, "wp_path": network["wp_path"], **job}
    done = subprocess.run(
        ["php", "-r", _PHP, "--", json.dumps(payload)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout.rsplit("@@", 1)[1])


def run(network: dict, scale: float) -> list[Result]:
    """Build both sites, measure the three ways, clean up."""
    settings = load_settings(network["config_toml"], environ={})
    db = connect(settings.database)
    migrate(db)
    tag = secrets.token_hex(3)
    template = _php(network, do="create", path=f"/bench-tpl-{tag}/", title="Bench template")
    target = _php(network, do="create", path=f"/bench-target-{tag}/", title="Bench target")
    made: list[int] = []
    try:
        for site in (template, target):
            _fill(db, int(site["id"]), site["home"], scale)
        floor = min(_floor(db, int(template["id"])) for _ in range(2))
        row_by_row, rbr_left = _row_by_row(db, template, target)
        full = min(_switch(settings, db, template, target, made) for _ in range(2))
        left = _left(db, int(target["id"]), template)
    finally:
        for switch_id in [*made, SCRATCH_SWITCH]:
            site_copy.drop_tables(db, site_copy.work_tables(db, switch_id))
        _php(network, do="delete", blogs=[int(template["id"]), int(target["id"])])
        db.close()
    print(
        f"template_switch: floor {floor:.2f}s, switch {full:.2f}s, row-by-row "
        f"{row_by_row:.2f}s; template URL left: switch {left}, row-by-row {rbr_left}"
    )
    return [
        Result(
            "template_switch_vs_floor",
            round(full, 3),
            "s",
            "create_like_insert_select_floor",
            round(floor, 3),
            f"<= {GOAL_FLOOR_RATIO}x the floor",
            full <= GOAL_FLOOR_RATIO * floor,
        ),
        Result(
            "template_switch_vs_row_by_row",
            round(full, 3),
            "s",
            "row_by_row_rewrite",
            round(row_by_row, 3),
            f">= {GOAL_SPEEDUP:g}x faster than row by row",
            full * GOAL_SPEEDUP <= row_by_row,
        ),
        Result(
            "template_switch_urls_left",
            float(left),
            "rows",
            "row_by_row_urls_left",
            float(rbr_left),
            "0 rows with a template URL",
            left == 0,
        ),
    ]


def _fill(db: Database, blog_id: int, home: str, scale: float) -> None:
    """Posts, postmeta, options and comments holding ``home`` in every form, made in SQL."""
    posts, meta, options = (max(10, round(n * scale)) for n in (POSTS, POSTMETA, OPTIONS))
    prefix = f"{db.prefix}{blog_id}_"
    json_home = home.replace("/", "\\/")
    upload = f"{home}/wp-content/uploads/sites/{blog_id}/2024/01/img"
    first = int(db.fetch_value(f"SELECT COALESCE(MAX(ID), 0) + 1 FROM `{prefix}posts`"))
    db.execute(
        f"INSERT INTO `{prefix}posts` (post_author, post_date, post_date_gmt, post_content,"
        " post_title, post_excerpt, post_status, post_name, to_ping, pinged, post_modified,"
        " post_modified_gmt, post_content_filtered, guid, post_type)"
        " SELECT 1, NOW(), NOW(), CONCAT('<!-- wp:image {\"url\":\"', %s, '\\\\/img', seq,"
        " '.jpg\"} --><p>Post ', seq, ' <a href=\"', %s, '/post-', seq, '/\">link</a>"
        " <img src=\"', %s, seq, '.jpg\"> ', REPEAT('lorem ipsum dolor ', 30),"
        " '</p><!-- /wp:image -->'), CONCAT('Bench post ', seq),"
        " CONCAT('See ', %s, '/more/'), 'publish', CONCAT('bench-post-', seq), '', '', NOW(),"
        f" NOW(), '', CONCAT(%s, '/?p=', seq), 'post' FROM seq_1_to_{posts}",
        (json_home, home, upload, home, home),
    )
    url = f"CONCAT({_q(db, home)}, '/item-', seq, '/ünï')"
    serialized = (
        "CONCAT('a:3:{s:3:\"url\";s:', LENGTH(u), ':\"', u, '\";s:5:\"title\";s:',"
        " LENGTH(t), ':\"', t, '\";s:4:\"list\";a:1:{i:0;s:', LENGTH(u), ':\"', u, '\";}}')"
    )
    db.execute(
        f"INSERT INTO `{prefix}postmeta` (post_id, meta_key, meta_value)"
        f" SELECT {first} + seq MOD {posts}, CONCAT('_bench_', seq MOD 20),"
        f" CASE seq MOD 3 WHEN 0 THEN {serialized} WHEN 1 THEN u ELSE seq * 7 END"
        f" FROM (SELECT seq, IF(seq MOD 30 = 0, CONCAT('plain ', seq), {url}) AS u,"
        f" 'Ünïcødé title' AS t FROM seq_1_to_{meta}) s",
    )
    db.execute(
        f"INSERT INTO `{prefix}options` (option_name, option_value, autoload)"
        f" SELECT CONCAT('bench_option_', seq), IF(seq MOD 2 = 0, {serialized}, u), 'no'"
        f" FROM (SELECT seq, {url} AS u, 'Option ü' AS t FROM seq_1_to_{options}) s",
    )
    db.execute(
        f"INSERT INTO `{prefix}comments` (comment_post_ID, comment_author, comment_author_url,"
        " comment_date, comment_date_gmt, comment_content, comment_approved)"
        f" SELECT {first} + seq * 10, 'Reader', %s, NOW(), NOW(),"
        f" CONCAT('Nice, see ', %s, '/c/', seq), '1' FROM seq_1_to_{max(1, posts // 10)}",
        (home, home),
    )


def _switch(settings, db: Database, template: dict, target: dict, made: list[int]) -> float:
    """One full switch of the target to the template, end to end; seconds. (Best of two is
    reported, as for the floor: the second runs onto the first one's result.)"""
    switch_id = template_switch.request_switch(
        db, site_id=int(target["id"]), template_site_id=int(template["id"]), actor=SYSTEM
    )
    made.append(switch_id)
    started = time.perf_counter()
    state = switch_worker.run(settings, db, switch_id, cache_clearer(settings))
    elapsed = time.perf_counter() - started
    assert state == "done", state
    return elapsed


def _q(db: Database, text: str) -> str:
    """A string literal for generated SQL (the bench's own value)."""
    return db.conn.escape(text)


def _floor(db: Database, template_id: int) -> float:
    """CREATE TABLE … LIKE + INSERT … SELECT of the template's tables; seconds."""
    site_copy.drop_tables(db, site_copy.work_tables(db, SCRATCH_SWITCH))
    started = time.perf_counter()
    for suffix in site_copy.site_tables(db, template_id):
        scratch = site_copy.work_table(db, SCRATCH_SWITCH, "s", suffix)
        db.execute(f"CREATE TABLE `{scratch}` LIKE `{db.prefix}{template_id}_{suffix}`")
        db.execute(f"INSERT INTO `{scratch}` SELECT * FROM `{db.prefix}{template_id}_{suffix}`")
    elapsed = time.perf_counter() - started
    site_copy.drop_tables(db, site_copy.work_tables(db, SCRATCH_SWITCH))
    return elapsed


def _needles(template: dict) -> list[str]:
    core = template["home"].split("//", 1)[1]
    return [*encoded_forms("//" + core), f"sites/{template['id']}/"]


def _row_by_row(db: Database, template: dict, target: dict) -> tuple[float, int]:
    """Copy, then one SELECT per column and one UPDATE per matching row; (seconds, URLs
    left)."""
    from sidecar.domain.search_replace import plan_pairs, prefix_pair

    template_id, target_id = int(template["id"]), int(target["id"])
    pairs = plan_pairs(
        template_urls=[template["home"]],
        target_url=target["home"],
        template_id=template_id,
        target_id=target_id,
    )
    replacer = Replacer([*pairs, prefix_pair(db.prefix, template_id, target_id)])
    started = time.perf_counter()
    tables = []
    for suffix in site_copy.site_tables(db, template_id):
        scratch = site_copy.work_table(db, SCRATCH_SWITCH, "s", suffix)
        site_copy.copy_table(db, scratch, f"{db.prefix}{template_id}_{suffix}")
        tables.append(scratch)
    for scratch in tables:
        key = site_copy.primary_key(db, scratch)
        if len(key) != 1:
            continue
        for column in site_copy.columns(db, scratch):
            if not column["is_text"]:
                continue
            name = column["name"]
            likes = " OR ".join([f"`{name}` LIKE %s"] * len(replacer.searches))
            rows = db.fetch_all(
                f"SELECT `{key[0]}` AS k, CAST(`{name}` AS BINARY) AS v FROM `{scratch}`"
                f" WHERE {likes}",
                [f"%{s}%" for s in replacer.searches],
            )
            for row in rows:
                new = replacer.value(row["v"])
                if new != row["v"]:
                    db.execute(
                        f"UPDATE `{scratch}` SET `{name}` = %s WHERE `{key[0]}` = %s",
                        (new, row["k"]),
                    )
    elapsed = time.perf_counter() - started
    left = sum(_count(db, scratch, _needles(template)) for scratch in tables)
    site_copy.drop_tables(db, tables)
    return elapsed, left


def _left(db: Database, blog_id: int, template: dict) -> int:
    """Rows of the site's tables still holding a template URL or upload path."""
    return sum(
        _count(db, f"{db.prefix}{blog_id}_{suffix}", _needles(template))
        for suffix in site_copy.site_tables(db, blog_id)
    )


def _count(db: Database, table: str, needles: list[str]) -> int:
    text = [c["name"] for c in site_copy.columns(db, table) if c["is_text"]]
    if not text:
        return 0
    found = " OR ".join(f"LOCATE(%s, `{c}`) > 0" for c in text for _ in needles)
    params = [n for _c in text for n in needles]
    return int(db.fetch_value(f"SELECT COUNT(*) FROM `{table}` WHERE {found}", params))
