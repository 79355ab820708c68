"""Plan-limit enforcement by the shim in real WordPress (docs/limits.md): posts on every path
(REST, XML-RPC, the classic admin form, ``wp_insert_post`` from code), users, disk, visits, and
the archive route. The module works on a site of its own, created through the shim's sign-up
routes and deleted at the end with everything in it; each test removes its option values,
memberships and visit rows.

The enforcement option is written the way the sidecar writes it: ``phpserial.dumps`` into the
site's options table, then ``ShimClient.clear_caches``.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import struct
import subprocess
import time
import xmlrpc.client
import zlib
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter

from sidecar.assertions import Claims, new_jti, sign
from sidecar.wp_bridge import phpserial
from sidecar.wp_bridge.db import connect
from sidecar.wp_bridge.rest import RestClient
from sidecar.wp_bridge.shim import ShimClient

pytestmark = pytest.mark.integration

OPTION = "sidecar_enforcement"
MB = 1024 * 1024
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
COUNTED = "('publish', 'private', 'future')"
LIMIT_WORDS = "your plan allows"
VISITS_PER_WRITER = int(os.environ.get("SIDECAR_VISITS_PER_WRITER", "10"))

# Runs /*CODE*/ inside a function of $args after loading WordPress for the site at `path`,
# and prints its JSON-encoded result after a marker.
_PHP = r"""
$sidecar_test_job = json_decode( $argv[1], true );
$_SERVER['HTTP_HOST']      = $sidecar_test_job['host'];
$_SERVER['SERVER_NAME']    = explode( ':', $sidecar_test_job['host'] )[0];
$_SERVER['REQUEST_URI']    = $sidecar_test_job['path'];
$_SERVER['REQUEST_METHOD'] = 'GET';
require $sidecar_test_job['wp_path'] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';
function sidecar_test_out( $value ) {
    return is_wp_error( $value )
        ? array( 'error' => $value->get_error_code(), 'message' => $value->get_error_message() )
        : $value;
}
$sidecar_test_result = ( static function ( array $args ) {
/*CODE*/
} )( $sidecar_test_job['args'] );
echo "\n@@sidecar-test@@" . wp_json_encode( $sidecar_test_result );
"""


def run_php(network, code: str, args: dict | None = None, path: str = "/"):
    """Run PHP ``code`` (a function body of ``$args``) against the network, as a request for
    the site at ``path``; return what it returns, JSON-decoded."""
    job = {
        "host": urlsplit(network["url"]).netloc,
        "wp_path": network["wp_path"],
        "path": path,
        "args": args or {},
    }
    proc = subprocess.run(
        ["php", "-r", _PHP.replace("/*CODE*/", code), "--", json.dumps(job)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "@@sidecar-test@@" in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]
    return json.loads(proc.stdout.rsplit("@@sidecar-test@@", 1)[1])


def _shim(network) -> ShimClient:
    return ShimClient(RestClient(network["url"], timeout=30), network["secret"], 1)


# ---------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def site(network, settings, migrated):
    """A fresh site whose only administrator is a fresh user (login, password, app password).
    ``site["users"]`` collects the ids of further users the tests create; all are deleted."""
    shim = _shim(network)
    tag = secrets.token_hex(4)
    login = f"limits{tag}"
    password = "pw-" + secrets.token_hex(12)
    owner = shim.create_user(login, f"{login}@example.test", password)
    made = {"blogs": [], "users": [owner]}
    try:
        answer = shim.create_site(f"limits-{tag}", "Limits test", owner)
        made["blogs"].append(answer["blog_id"])
        app = run_php(
            network,
            "list( $password ) = WP_Application_Passwords::create_new_application_password("
            " $args['user'], array( 'name' => 'limits test' ) ); return $password;",
            {"user": owner},
        )
        yield {
            "blog_id": answer["blog_id"],
            "url": answer["url"],
            "path": urlsplit(answer["url"]).path,
            "owner_id": owner,
            "login": login,
            "password": password,
            "app_password": app,
            "users": made["users"],
        }
    finally:
        run_php(
            network,
            """
            foreach ( $args['blogs'] as $id ) {
                if ( is_main_site( $id ) || ! get_site( $id ) ) { continue; }
                switch_to_blog( $id );
                $uploads = wp_get_upload_dir()['basedir'];
                restore_current_blog();
                wpmu_delete_blog( $id, true );
                if ( is_dir( $uploads ) ) { @rmdir( $uploads ); } // Core leaves it, emptied.
            }
            foreach ( $args['users'] as $id ) {
                if ( get_userdata( $id ) && ! is_super_admin( $id ) ) { wpmu_delete_user( $id ); }
            }
            return true;
            """,
            made,
        )


@pytest.fixture
def db(settings):
    conn = connect(settings.database)
    yield conn
    conn.close()


@pytest.fixture
def enforce(network, site, db):
    """Write the site's enforcement option; removed after the test."""
    shim = _shim(network)
    table = f"{db.prefix}{site['blog_id']}_options"

    def _write(limits: dict | None = None, **extra) -> dict:
        value = {"v": 1, "limits": limits or {}, "visits_blocked": False}
        value.update(extra)
        value["updated"] = int(time.time())
        db.execute(
            f"INSERT INTO {table} (option_name, option_value, autoload) VALUES (%s, %s, 'yes')"
            " ON DUPLICATE KEY UPDATE option_value = VALUES(option_value), autoload = 'yes'",
            (OPTION, phpserial.dumps(value).decode()),
        )
        shim.clear_caches(blog_id=site["blog_id"], options=True)
        return value

    yield _write
    db.execute(f"DELETE FROM {table} WHERE option_name = %s", (OPTION,))
    shim.clear_caches(blog_id=site["blog_id"], options=True)


@pytest.fixture
def new_posts(network, site, db):
    """Deletes (through WordPress) every post the test created."""
    table = f"{db.prefix}{site['blog_id']}_posts"
    first = int(db.fetch_value(f"SELECT COALESCE(MAX(ID), 0) FROM {table}")) + 1
    yield
    run_php(
        network,
        """
        global $wpdb;
        $ids = $wpdb->get_col(
            $wpdb->prepare( "SELECT ID FROM {$wpdb->posts} WHERE ID >= %d", $args['first'] )
        );
        foreach ( $ids as $id ) { wp_delete_post( (int) $id, true ); }
        return count( $ids );
        """,
        {"first": first},
        site["path"],
    )


def counted(db, site, post_type: str = "post") -> int:
    return int(
        db.fetch_value(
            f"SELECT COUNT(*) FROM {db.prefix}{site['blog_id']}_posts"
            f" WHERE post_type = %s AND post_status IN {COUNTED}",
            (post_type,),
        )
    )


def post_status(db, site, post_id: int) -> str:
    return db.fetch_value(
        f"SELECT post_status FROM {db.prefix}{site['blog_id']}_posts WHERE ID = %s", (post_id,)
    )


def rest(site, method: str, route: str, *, auth=None, **kwargs) -> requests.Response:
    return requests.request(
        method,
        site["url"],
        params={"rest_route": route},
        auth=auth or (site["login"], site["app_password"]),
        timeout=60,
        **kwargs,
    )


def log_in(url: str, login: str, password: str, session: requests.Session | None = None):
    """A requests session logged in to wp-admin through wp-login.php, like a browser."""
    session = session or requests.Session()
    session.headers["User-Agent"] = BROWSER
    session.get(url + "wp-login.php", timeout=30)
    answer = session.post(
        url + "wp-login.php",
        data={
            "log": login,
            "pwd": password,
            "wp-submit": "Log In",
            "redirect_to": url + "wp-admin/",
            "testcookie": "1",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:500]
    return session


# ------------------------------------------------------------------------------------- posts


def test_rest_posts_limit_minus_one_limit_and_plus_one(site, enforce, db, new_posts):
    base = counted(db, site)
    enforce({"post": base + 2})
    made = []
    for i in range(2):  # limit - 1, then the limit itself
        answer = rest(
            site, "POST", "/wp/v2/posts", json={"title": f"REST {i}", "status": "publish"}
        )
        assert answer.status_code == 201, answer.text
        made.append(answer.json()["id"])
    refused = rest(site, "POST", "/wp/v2/posts", json={"title": "REST 2", "status": "publish"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "sidecar_limit_reached"
    assert LIMIT_WORDS in refused.json()["message"]
    assert counted(db, site) == base + 2

    # A draft is allowed at the limit; publishing, scheduling or making it private is not.
    draft = rest(site, "POST", "/wp/v2/posts", json={"title": "Draft", "status": "draft"})
    assert draft.status_code == 201
    draft_id = draft.json()["id"]
    for change in (
        {"status": "publish"},
        {"status": "private"},
        {"status": "future", "date": "2099-01-01T10:00:00"},
    ):
        answer = rest(site, "POST", f"/wp/v2/posts/{draft_id}", json=change)
        assert answer.status_code == 403, change
        assert answer.json()["code"] == "sidecar_limit_reached"
    assert post_status(db, site, draft_id) == "draft"

    # Editing a post that already counts stays allowed; unpublishing one frees a place.
    edited = rest(site, "POST", f"/wp/v2/posts/{made[0]}", json={"title": "Edited at the limit"})
    assert edited.status_code == 200
    assert (
        rest(site, "POST", f"/wp/v2/posts/{made[0]}", json={"status": "draft"}).status_code == 200
    )
    assert (
        rest(site, "POST", f"/wp/v2/posts/{draft_id}", json={"status": "publish"}).status_code
        == 200
    )
    assert counted(db, site) == base + 2


def test_rest_pages_have_their_own_limit(site, enforce, db, new_posts):
    pages = counted(db, site, "page")
    enforce({"page": pages, "post": counted(db, site) + 1})
    refused = rest(site, "POST", "/wp/v2/pages", json={"title": "Page", "status": "publish"})
    assert refused.status_code == 403
    assert "Pages" in refused.json()["message"]
    allowed = rest(site, "POST", "/wp/v2/posts", json={"title": "Post", "status": "publish"})
    assert allowed.status_code == 201
    assert counted(db, site, "page") == pages


def test_concurrent_publishers_cannot_pass_the_limit(site, enforce, db, new_posts):
    base = counted(db, site)
    enforce({"post": base + 3})

    def publish(i):
        return rest(
            site, "POST", "/wp/v2/posts", json={"title": f"Race {i}", "status": "publish"}
        ).status_code

    with cf.ThreadPoolExecutor(8) as pool:
        codes = sorted(pool.map(publish, range(8)))
    assert codes == [201] * 3 + [403] * 5
    assert counted(db, site) == base + 3


def _require_php_xml(network) -> None:
    """XML-RPC needs PHP's xml extension (Debian: php-xml), which WordPress does not depend on."""
    if run_php(network, "return function_exists( 'xml_parser_create' );"):
        return
    reason = "PHP's xml extension is missing, so XML-RPC cannot work here: install php-xml"
    if os.environ.get("SIDECAR_REQUIRE_NETWORK") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def test_xmlrpc_posts_refused_past_the_limit(network, site, enforce, db, new_posts):
    _require_php_xml(network)
    base = counted(db, site)
    enforce({"post": base + 2})
    api = xmlrpc.client.ServerProxy(site["url"] + "xmlrpc.php")
    who = (1, site["login"], site["password"])
    content = {"post_title": "XML-RPC", "post_content": "Body", "post_status": "publish"}
    assert int(api.wp.newPost(*who, content))  # limit - 1
    assert int(api.metaWeblog.newPost(*who, {"title": "MW", "description": "Body"}, True))  # limit
    for call in (
        lambda: api.wp.newPost(*who, content),
        lambda: api.metaWeblog.newPost(*who, {"title": "MW 2", "description": "Body"}, True),
    ):
        with pytest.raises(xmlrpc.client.Fault) as fault:
            call()
        assert fault.value.faultCode == 403
        assert LIMIT_WORDS in fault.value.faultString
    assert counted(db, site) == base + 2

    draft = int(api.wp.newPost(*who, {**content, "post_status": "draft"}))
    for call in (
        lambda: api.wp.editPost(*who, draft, {"post_status": "publish"}),
        lambda: api.mt.publishPost(draft, site["login"], site["password"]),
    ):
        with pytest.raises(xmlrpc.client.Fault) as fault:
            call()
        assert fault.value.faultCode == 403
    assert post_status(db, site, draft) == "draft"
    assert counted(db, site) == base + 2


def _editor_form(session, site) -> tuple[int, str, str]:
    """Open Add New (which creates the auto-draft) and return (post id, nonce, page)."""
    page = session.get(site["url"] + "wp-admin/post-new.php", timeout=60).text
    post_id = int(re.search(r"name='post_ID' value='(\d+)'", page).group(1))
    nonce = re.search(r'id="_wpnonce" name="_wpnonce" value="([0-9a-f]+)"', page).group(1)
    return post_id, nonce, page


def _publish_form(session, site, post_id: int, nonce: str, title: str) -> requests.Response:
    """POST post.php the way the classic editor's Publish button does."""
    return session.post(
        site["url"] + "wp-admin/post.php",
        data={
            "_wpnonce": nonce,
            "_wp_http_referer": site["path"] + "wp-admin/post-new.php",
            "user_ID": str(site["owner_id"]),
            "action": "editpost",
            "originalaction": "editpost",
            "post_author": str(site["owner_id"]),
            "post_type": "post",
            "original_post_status": "auto-draft",
            "post_ID": str(post_id),
            "post_title": title,
            "content": "Written in the classic editor.",
            "hidden_post_status": "draft",
            "post_status": "draft",
            "hidden_post_visibility": "public",
            "visibility": "public",
            "publish": "Publish",
        },
        allow_redirects=False,
        timeout=60,
    )


def test_classic_admin_form_refused_past_the_limit(site, enforce, db, new_posts):
    session = log_in(site["url"], site["login"], site["password"])
    base = counted(db, site)
    enforce({"post": base + 2})
    for i in range(2):  # limit - 1, then the limit
        post_id, nonce, page = _editor_form(session, site)
        assert LIMIT_WORDS not in page
        answer = _publish_form(session, site, post_id, nonce, f"Classic {i}")
        assert answer.status_code == 302
        assert "message=6" in answer.headers["location"]  # "Post published."
        assert post_status(db, site, post_id) == "publish"

    post_id, nonce, page = _editor_form(session, site)
    assert LIMIT_WORDS in page, "Add New shows that the limit is reached"
    answer = _publish_form(session, site, post_id, nonce, "Classic over the limit")
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert "sidecar_limit=refused" in location and "message=" not in location
    row = db.fetch_one(
        f"SELECT post_status, post_title, post_date_gmt FROM {db.prefix}{site['blog_id']}_posts"
        " WHERE ID = %s",
        (post_id,),
    )
    assert row["post_status"] == "draft" and row["post_title"] == "Classic over the limit"
    assert str(row["post_date_gmt"]).startswith(("0000", "None")), "the date stays floating"
    screen = session.get(location, timeout=60).text
    assert "Not published" in screen and LIMIT_WORDS in screen
    assert counted(db, site) == base + 2


def test_wp_insert_post_from_code_refused_past_the_limit(network, site, enforce, db, new_posts):
    base = counted(db, site)
    enforce({"post": base + 2, "product": 1})
    result = run_php(
        network,
        """
        register_post_type( 'product', array( 'public' => true, 'label' => 'Products' ) );
        $post = static function ( $type, $status, $wp_error = true ) use ( $args ) {
            return sidecar_test_out( wp_insert_post( array(
                'post_title' => "Code $type $status", 'post_content' => 'x',
                'post_status' => $status, 'post_type' => $type, 'post_author' => $args['owner'],
            ), $wp_error ) );
        };
        $out = array( 'posts' => array(), 'products' => array() );
        foreach ( range( 1, 3 ) as $i ) { $out['posts'][] = $post( 'post', 'publish' ); }
        $out['quiet']  = $post( 'post', 'publish', false );
        $out['future'] = sidecar_test_out( wp_insert_post( array( 'post_title' => 'Later',
            'post_status' => 'future', 'post_date' => '2099-01-01 10:00:00' ), true ) );
        $out['draft']  = $post( 'post', 'draft' );
        $out['publish_draft'] = sidecar_test_out( wp_update_post(
            array( 'ID' => $out['draft'], 'post_status' => 'publish' ), true ) );
        $out['empty'] = sidecar_test_out(
            wp_insert_post( array( 'post_title' => '', 'post_content' => '' ), true )
        );
        foreach ( range( 1, 2 ) as $i ) { $out['products'][] = $post( 'product', 'publish' ); }
        return $out;
        """,
        {"owner": site["owner_id"]},
        site["path"],
    )
    assert isinstance(result["posts"][0], int) and isinstance(result["posts"][1], int)
    assert result["posts"][2]["error"] == "empty_content"
    assert LIMIT_WORDS in result["posts"][2]["message"]
    assert result["quiet"] == 0
    assert LIMIT_WORDS in result["future"]["message"]
    assert isinstance(result["draft"], int)
    assert LIMIT_WORDS in result["publish_draft"]["message"]
    # Core's own "empty content" refusal keeps its own words.
    assert result["empty"]["message"] == "Content, title, and excerpt are empty."
    assert isinstance(result["products"][0], int)
    assert "Products" in result["products"][1]["message"]
    assert counted(db, site) == base + 2
    assert counted(db, site, "product") == 1


# ------------------------------------------------------------------------------------- users


@pytest.fixture
def members(network, site):
    """Creates network users (members of no site) on demand; removes them from the test site
    afterwards (the site fixture deletes them)."""
    shim = _shim(network)
    made = []

    def _make(count: int) -> list[dict]:
        people = []
        for _ in range(count):
            login = "member" + secrets.token_hex(4)
            user_id = shim.create_user(login, f"{login}@example.test", "pw-" + secrets.token_hex(8))
            site["users"].append(user_id)
            made.append(user_id)
            people.append({"id": user_id, "login": login, "email": f"{login}@example.test"})
        return people

    yield _make
    run_php(
        network,
        "foreach ( $args['users'] as $id ) { remove_user_from_blog( $id, $args['blog'] ); }"
        " return true;",
        {"users": made, "blog": site["blog_id"]},
    )


def _add_to_site(network, site, user_ids: list[int], role: str) -> list:
    return run_php(
        network,
        """
        $out = array();
        foreach ( $args['users'] as $id ) {
            $out[] = sidecar_test_out( add_user_to_blog( $args['blog'], $id, $args['role'] ) );
        }
        return $out;
        """,
        {"users": user_ids, "blog": site["blog_id"], "role": role},
    )


def _roles_on_site(network, site, user_id: int):
    return run_php(
        network,
        "$u = new WP_User( $args['user'], '', $args['blog'] );"
        " return is_user_member_of_blog( $args['user'], $args['blog'] ) ? $u->roles : null;",
        {"user": user_id, "blog": site["blog_id"]},
    )


def test_sixth_user_on_a_five_user_site_is_refused(network, site, enforce, members):
    enforce({"users": 5})
    people = members(6)
    # The owner is user 1; users 2-4 (limit - 1) and 5 (the limit) join, the 6th does not.
    answers = _add_to_site(network, site, [p["id"] for p in people[:5]], "author")
    assert answers[:4] == [True, True, True, True]
    assert answers[4]["error"] == "sidecar_limit_reached"
    assert LIMIT_WORDS in answers[4]["message"]
    assert _roles_on_site(network, site, people[4]["id"]) is None
    # A member's role can still change at the limit.
    assert _add_to_site(network, site, [people[0]["id"]], "contributor") == [True]

    # REST user creation under the site (a super admin): refused before any user exists.
    login = "restuser" + secrets.token_hex(3)
    answer = rest(
        site,
        "POST",
        "/wp/v2/users",
        auth=(network["admin"]["login"], network["admin"]["app_password"]),
        json={
            "username": login,
            "email": f"{login}@example.test",
            "password": "pw-" + secrets.token_hex(8),
            "roles": ["author"],
        },
    )
    assert answer.status_code == 403 and answer.json()["code"] == "sidecar_limit_reached"
    assert (
        run_php(network, "return (bool) username_exists( $args['login'] );", {"login": login})
        is False
    )

    # wp-admin, Add Existing User (an invitation) by the site's owner: refused, nothing sent.
    session = log_in(site["url"], site["login"], site["password"])
    form = session.get(site["url"] + "wp-admin/user-new.php", timeout=60).text
    assert LIMIT_WORDS in form, "Add New User says the site is full"
    nonce = re.search(r'name="_wpnonce_add-user" value="([0-9a-f]+)"', form).group(1)
    answer = session.post(
        site["url"] + "wp-admin/user-new.php",
        data={
            "action": "adduser",
            "email": people[5]["email"],
            "role": "author",
            "_wpnonce_add-user": nonce,
        },
        allow_redirects=False,
        timeout=60,
    )
    assert answer.status_code == 302
    assert "sidecar_limit=users" in answer.headers["location"]
    assert LIMIT_WORDS in session.get(answer.headers["location"], timeout=60).text
    invitations = run_php(
        network,
        'global $wpdb; return (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->options}'
        " WHERE option_name LIKE 'new\\\\_user\\\\_%'\" );",
        path=site["path"],
    )
    assert invitations == 0
    assert _roles_on_site(network, site, people[5]["id"]) is None


def test_per_role_limit(network, site, enforce, members):
    enforce({"users": 5, "users_role": {"editor": 1}})
    people = members(3)
    assert _add_to_site(network, site, [people[0]["id"]], "author") == [True]
    assert _add_to_site(network, site, [people[1]["id"]], "editor") == [True]  # 1 of 1
    refused = _add_to_site(network, site, [people[2]["id"]], "editor")[0]
    assert refused["error"] == "sidecar_limit_reached" and "Editor" in refused["message"]
    assert _add_to_site(network, site, [people[2]["id"]], "author") == [True]

    # Promotions: REST (roles are added to the user's) and wp-admin's bulk "Change role to".
    answer = rest(
        site,
        "POST",
        f"/wp/v2/users/{people[0]['id']}",
        auth=(network["admin"]["login"], network["admin"]["app_password"]),
        json={"roles": ["editor"]},
    )
    assert answer.status_code == 403 and answer.json()["code"] == "sidecar_limit_reached"
    session = log_in(site["url"], site["login"], site["password"])
    listing = session.get(site["url"] + "wp-admin/users.php", timeout=60).text
    nonce = re.search(r'id="_wpnonce" name="_wpnonce" value="([0-9a-f]+)"', listing).group(1)
    answer = session.post(
        site["url"] + "wp-admin/users.php",
        data={
            "_wpnonce": nonce,
            "changeit": "Change",
            "new_role": "editor",
            "users[]": [people[0]["id"]],
        },
        allow_redirects=False,
        timeout=60,
    )
    assert answer.status_code == 302 and "sidecar_limit=role-editor" in answer.headers["location"]
    assert "Editor" in session.get(answer.headers["location"], timeout=60).text
    assert _roles_on_site(network, site, people[0]["id"]) == ["author"]


# -------------------------------------------------------------------------------------- disk


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\0\0\0"))
        + chunk(b"IEND", b"")
    )


def _upload(site) -> requests.Response:
    return rest(
        site,
        "POST",
        "/wp/v2/media",
        data=_png(),
        headers={
            "Content-Type": "image/png",
            "Content-Disposition": 'attachment; filename="dot.png"',
        },
    )


def test_disk_usage_comes_from_the_option_and_quota_applies(network, site, enforce, new_posts):
    space = (
        "return array( get_space_used(), get_space_allowed(), is_upload_space_available(),"
        " (bool) get_site_option( 'upload_space_check_disabled' ) );"
    )
    enforce({"disk_mb": 10}, disk_used_bytes=5 * MB + MB // 2)
    assert run_php(network, space, path=site["path"]) == [5.5, 10, True, False]
    uploaded = _upload(site)
    assert uploaded.status_code == 201, uploaded.text

    enforce({"disk_mb": 10}, disk_used_bytes=10 * MB)
    assert run_php(network, space, path=site["path"])[2] is False
    refused = _upload(site)
    assert refused.status_code == 400
    assert refused.json()["code"] in (
        "rest_upload_limited_space",
        "rest_upload_user_quota_exceeded",
    )

    # Measured usage without a disk limit: reported, and the network's own setting stays.
    enforce({}, disk_used_bytes=3 * MB)
    used, _allowed, _available, disabled = run_php(network, space, path=site["path"])
    assert used == 3
    main_disabled = run_php(
        network, "return (bool) get_site_option( 'upload_space_check_disabled' );"
    )
    assert disabled is main_disabled


# ------------------------------------------------------------------------------------ visits


@pytest.fixture
def visits(network, site, db, migrated):
    """The visits table (the sidecar's migration makes it; made here if that has not run), and
    no rows of the test site before and after."""
    table = f"{db.prefix}sidecar_visits"
    made = not db.fetch_value("SHOW TABLES LIKE %s", (table,))
    if made:
        db.execute(
            f"CREATE TABLE {table} (blog_id BIGINT UNSIGNED NOT NULL, day DATE NOT NULL,"
            " visitor CHAR(32) NOT NULL, PRIMARY KEY (blog_id, day, visitor)) ENGINE=InnoDB"
        )
    db.execute(f"DELETE FROM {table} WHERE blog_id = %s", (site["blog_id"],))

    def _rows() -> int:
        return int(
            db.fetch_value(f"SELECT COUNT(*) FROM {table} WHERE blog_id = %s", (site["blog_id"],))
        )

    yield _rows
    db.execute(f"DELETE FROM {table} WHERE blog_id = %s", (site["blog_id"],))
    if made:
        db.execute(f"DROP TABLE {table}")


def visitor_id(network, ip: str) -> str:
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    return hmac.new(network["secret"].encode(), f"{day}|{ip}".encode(), hashlib.sha256).hexdigest()[
        :32
    ]


def fetch(url: str, ip: str, headers: dict | None = None, method: str = "GET"):
    """One request from source address ``ip`` (any 127.x.y.z reaches the loopback server)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=60, source_address=(ip, 0)
    )
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, target, headers={"User-Agent": BROWSER, **(headers or {})})
        answer = conn.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        conn.close()


class _FromAddress(HTTPAdapter):
    """A requests adapter whose connections leave from one source address."""

    def __init__(self, ip: str):
        self.ip = ip
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.ip, 0)
        super().init_poolmanager(*args, **kwargs)


def _session_from(ip: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", _FromAddress(ip))
    return session


def test_concurrent_page_views_count_exactly(network, site, visits):
    """16 concurrent writers, each viewing the site as VISITS_PER_WRITER distinct visitors
    (distinct source addresses), each of whom also comes back once with another browser."""
    writers = 16

    def writer(w: int) -> list[int]:
        codes = []
        for i in range(VISITS_PER_WRITER):
            ip = f"127.{100 + w}.{i // 250}.{i % 250 + 1}"
            codes.append(fetch(site["url"], ip)[0])
        codes.append(
            fetch(site["url"], f"127.{100 + w}.0.1", {"User-Agent": BROWSER + " Other"})[0]
        )
        return codes

    with cf.ThreadPoolExecutor(writers) as pool:
        codes = [code for batch in pool.map(writer, range(writers)) for code in batch]
    assert set(codes) == {200}
    assert visits() == writers * VISITS_PER_WRITER


def test_counter_is_lossless_under_16_concurrent_writers(network, site, visits):
    """16 PHP processes × 1,000 distinct visitors through the counter the page hook uses
    (Sidecar_Visits::record, one INSERT IGNORE each), plus 100 visitors every process repeats:
    exactly 16,000 rows."""
    code = r"""
        $secret = Sidecar_Config::secret();
        $day    = gmdate( 'Y-m-d' );
        $ok     = 0;
        foreach ( range( 0, 999 ) as $i ) {
            $ip  = sprintf( '10.%d.%d.%d', $args['writer'], intdiv( $i, 250 ), $i % 250 );
            $id  = Sidecar_Visits::visitor_id( $secret, $day, $ip );
            $ok += (int) Sidecar_Visits::record( $args['blog'], $day, $id );
            if ( $i < 100 ) {
                $shared = sprintf( '10.0.%d.%d', intdiv( $i, 250 ), $i % 250 );
                $id     = Sidecar_Visits::visitor_id( $secret, $day, $shared );
                $ok    += (int) Sidecar_Visits::record( $args['blog'], $day, $id );
            }
        }
        return $ok;
    """
    job = lambda w: {  # noqa: E731
        "host": urlsplit(network["url"]).netloc,
        "wp_path": network["wp_path"],
        "path": site["path"],
        "args": {"writer": w, "blog": site["blog_id"]},
    }
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            ["php", "-r", _PHP.replace("/*CODE*/", code), "--", json.dumps(job(w))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(1, 17)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, out[-1000:] + err[-1000:]
        results.append(json.loads(out.rsplit("@@sidecar-test@@", 1)[1]))
    assert results == [1100] * 16
    assert visits() == 16 * 1000 + 100
    assert time.monotonic() - started < 120


def test_what_does_not_count(network, site, visits):
    url = site["url"]
    bot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    assert fetch(url, "127.40.0.1", {"User-Agent": bot})[0] == 200
    assert fetch(url, "127.40.0.2", {"User-Agent": "curl/8.4.0"})[0] == 200
    assert fetch(url, "127.40.0.3", {"Sec-Purpose": "prefetch"})[0] == 200
    assert fetch(url, "127.40.0.4", {"Sec-Purpose": "prefetch;prerender"})[0] == 200
    assert fetch(url + "no-such-page-at-all/", "127.40.0.5")[0] == 404
    assert fetch(url + "?feed=rss2", "127.40.0.6")[0] == 200
    assert fetch(url, "127.40.0.7", method="POST")[0] in (200, 405)
    assert fetch(url, "127.40.0.8", method="HEAD")[0] == 200
    assert visits() == 0

    # A real view counts once a day, whatever browser the same address claims next.
    assert fetch(url, "127.40.0.9")[0] == 200
    assert fetch(url, "127.40.0.9", {"User-Agent": BROWSER.replace("121", "122")})[0] == 200
    assert (
        fetch(url, "127.40.0.9", {"User-Agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0"})[0]
        == 200
    )
    assert visits() == 1

    # A logged-in member of the site does not count; the same address logged out does.
    member = log_in(site["url"], site["login"], site["password"], _session_from("127.40.0.10"))
    assert member.get(url, timeout=60).status_code == 200
    assert visits() == 1
    assert fetch(url, "127.40.0.10")[0] == 200
    assert visits() == 2


def test_visitor_id_is_the_documented_hmac(network, site, visits, db):
    assert fetch(site["url"], "127.41.0.1")[0] == 200
    stored = db.fetch_value(
        f"SELECT visitor FROM {db.prefix}sidecar_visits WHERE blog_id = %s", (site["blog_id"],)
    )
    assert stored == visitor_id(network, "127.41.0.1")


def test_blocked_site_shows_the_limit_page_to_visitors_only(network, site, enforce, visits):
    enforce({"visits_month": 10}, visits_blocked=True)
    status, headers, body = fetch(site["url"], "127.42.0.1")
    assert status == 503
    assert 0 < int(headers["retry-after"]) <= 31 * 86400
    assert b"This site has reached its monthly visit limit" in body
    assert fetch(site["url"] + "?p=1", "127.42.0.1")[0] == 503
    assert fetch(site["url"] + "wp-login.php", "127.42.0.1")[0] == 200
    member = log_in(site["url"], site["login"], site["password"], _session_from("127.42.0.2"))
    assert member.get(site["url"], timeout=60).status_code == 200
    assert member.get(site["url"] + "wp-admin/", timeout=60).status_code == 200
    assert visits() == 0

    enforce({"visits_month": 10}, visits_blocked=False)
    assert fetch(site["url"], "127.42.0.1")[0] == 200
    assert visits() == 1


def test_missing_visits_table_is_harmless(network, site, visits, db, tmp_path):
    """Before the sidecar's migration the counter fails quietly: pages still answer, and the
    insert logs nothing (an unsuppressed insert into the missing table would)."""
    table = f"{db.prefix}sidecar_visits"
    db.execute(f"RENAME TABLE {table} TO {table}_away")
    try:
        assert fetch(site["url"], "127.43.0.1")[0] == 200
        logged = run_php(
            network,
            """
            global $wpdb;
            error_reporting( E_ALL );
            ini_set( 'log_errors', '1' );
            ini_set( 'error_log', $args['log'] );
            $day   = gmdate( 'Y-m-d' );
            $quiet = Sidecar_Visits::record( $args['blog'], $day, str_repeat( 'a', 32 ) );
            clearstatcache();
            $after_quiet = file_exists( $args['log'] ) ? filesize( $args['log'] ) : 0;
            $table = $wpdb->base_prefix . 'sidecar_visits';
            $wpdb->query( "INSERT IGNORE INTO $table (blog_id) VALUES (0)" );
            clearstatcache();
            $after = file_exists( $args['log'] ) ? filesize( $args['log'] ) : 0;
            return array( $quiet, $after_quiet, $after );
            """,
            {"blog": site["blog_id"], "log": str(tmp_path / "php-errors.log")},
            site["path"],
        )
    finally:
        db.execute(f"RENAME TABLE {table}_away TO {table}")
    assert logged[0] is False, "the insert failed"
    assert logged[1] == 0, "and logged nothing"
    assert logged[2] > 0, "where an unsuppressed query logs its error"
    assert visits() == 0


# ------------------------------------------------------------------------ the archive route


def _status_call(network, body, *, blog: int, secret: str | None = None) -> requests.Response:
    now = int(time.time())
    route = "/sidecar/v1/sites/status"
    claims = Claims(
        aud="shim",
        sub=0,
        blog=blog,
        net=1,
        iat=now,
        exp=now + 60,
        jti=new_jti(),
        mth="POST",
        pth=route,
    )
    return requests.post(
        network["url"],
        params={"rest_route": route},
        json=body,
        headers={"X-Sidecar-Assertion": sign(secret or network["secret"], claims)},
        timeout=60,
    )


def test_archive_route_suspends_and_restores_the_site(network, site):
    blog = site["blog_id"]
    try:
        answer = _status_call(network, {"blog_id": blog, "archived": True}, blog=blog)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"ok": True, "blog_id": blog, "archived": True}
        page = requests.get(site["url"], timeout=60)
        assert page.status_code == 410
        assert "This site has been archived or suspended." in page.text

        answer = _status_call(network, {"blog_id": blog, "archived": False}, blog=blog)
        assert answer.json() == {"ok": True, "blog_id": blog, "archived": False}
        assert requests.get(site["url"], timeout=60).status_code == 200
    finally:
        _status_call(network, {"blog_id": blog, "archived": False}, blog=blog)


def test_archive_route_refusals(network, site):
    blog = site["blog_id"]
    body = {"blog_id": blog, "archived": True}
    assert _status_call(network, body, blog=blog, secret="f" * 40).status_code == 401
    wrong = _status_call(network, body, blog=0)
    assert wrong.status_code == 401 and wrong.json()["code"] == "sidecar_wrong_blog"
    assert (
        _status_call(network, {"blog_id": 987654, "archived": True}, blog=987654).status_code == 404
    )
    assert _status_call(network, {"blog_id": 1, "archived": True}, blog=1).status_code == 400
    assert _status_call(network, {"blog_id": blog, "archived": "yes"}, blog=blog).status_code == 400
    assert requests.get(site["url"], timeout=60).status_code == 200


def test_ping_reports_the_shim_version(network):
    from sidecar.ops.shim_install import EXPECTED_SHIM_VERSION

    assert _shim(network).ping()["shim_version"] == EXPECTED_SHIM_VERSION
