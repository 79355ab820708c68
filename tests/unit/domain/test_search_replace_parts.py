"""Engine parts that need no database: work-table names, the SQL a pair becomes, and the
folder swaps being safe to run again after a crash at any point."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from sidecar.domain import switch_media
from sidecar.domain.search_replace import Pair
from sidecar.wp_bridge import site_copy

DB = SimpleNamespace(prefix="wp_")


def test_work_tables_are_recognisable_and_fit_mysql():
    assert site_copy.work_table(DB, 12, "s", "posts") == "wp_tsw12s_posts"
    assert site_copy.work_table(DB, 12, "b", "posts") == "wp_tsw12b_posts"
    long_suffix = "woocommerce_" + "x" * 60
    name = site_copy.work_table(DB, 123456, "s", long_suffix)
    assert len(name) == 64 and name.startswith("wp_tsw123456s_woocommerce_")
    assert name != site_copy.work_table(DB, 123456, "s", long_suffix + "y")
    with pytest.raises(site_copy.SiteCopyError):
        site_copy.work_table(DB, 1, "z", "posts")
    with pytest.raises(site_copy.SiteCopyError):
        site_copy.site_prefix(DB, 1)


def test_names_reaching_sql_are_checked():
    assert site_copy.quoted("wp_7_posts") == "`wp_7_posts`"
    for bad in ("wp_7_posts`; DROP", "a b", ""):
        with pytest.raises(site_copy.SiteCopyError):
            site_copy.quoted(bad)


def test_replace_expression_leaves_serialized_values_to_python():
    sql, params = site_copy.replace_expression(
        "post_content", [Pair("//h/shop", "//h/new", True), Pair("sites/5/", "sites/9/")]
    )
    assert sql.startswith("CASE WHEN (LEFT(s.`post_content`, 2) IN (%s, %s, %s, %s) OR")
    assert "REGEXP_REPLACE(" in sql and "REPLACE(" in sql
    assert params[:8] == ["a:", "s:", "O:", "C:", " ", "\n", "\r", "\t"]
    assert sql.count("%s") == len(params)
    boundary = [p for p in params if p.startswith("(?-i)") and p.endswith("])")]
    assert boundary == ["(?-i)//h/shop(?![A-Za-z0-9_.:-])"]


def _folders(tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "sites" / "5").mkdir(parents=True)
    (uploads / "sites" / "5" / "t.jpg").write_text("template")
    (uploads / "sites" / "9").mkdir(parents=True)
    (uploads / "sites" / "9" / "o.jpg").write_text("old")
    return str(uploads), switch_media.folders(str(uploads), 9, 3)


def test_copy_then_swap_and_again_after_a_crash_between_the_two_renames(tmp_path):
    uploads, f = _folders(tmp_path)
    assert switch_media.copy_template(uploads, 5, f.staging) == 1
    os.rename(f.live, f.backup)  # the crash came after the first rename
    switch_media.swap_in(f)
    switch_media.swap_in(f)  # and again: nothing left to do
    assert (f.live / "t.jpg").read_text() == "template"
    assert (f.backup / "o.jpg").read_text() == "old"
    assert [w[2] for w in switch_media.work_folders(uploads)] == ["b"]


def test_hard_links_and_restore(tmp_path):
    uploads, f = _folders(tmp_path)
    switch_media.copy_template(uploads, 5, f.staging, hardlinks=True)
    assert os.stat(f.staging / "t.jpg").st_ino == os.stat(f"{uploads}/sites/5/t.jpg").st_ino
    switch_media.swap_in(f)
    undo = switch_media.folders(uploads, 9, 4, backup_of=3)
    switch_media.restore(undo)
    switch_media.restore(undo)
    assert (undo.live / "o.jpg").read_text() == "old"
    assert (undo.trash / "t.jpg").exists() and not undo.backup.exists()


def test_a_template_without_uploads_gives_an_empty_folder(tmp_path):
    uploads = tmp_path / "uploads"
    staging = uploads / "sites" / "9.tsw1s"
    assert switch_media.copy_template(str(uploads), 5, staging) == 0
    assert staging.is_dir() and not any(staging.iterdir())
