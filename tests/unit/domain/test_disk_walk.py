"""The cached disk walk on a real folder tree."""

import os
from datetime import datetime, timedelta

from sidecar.domain.disk import full_walk_due, site_folder, walk


def write(path, size):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)


def tree(tmp_path):
    root = tmp_path / "uploads"
    write(root / "sites" / "7" / "2025" / "01" / "a.jpg", 1000)
    write(root / "sites" / "7" / "2025" / "02" / "b.jpg", 200)
    write(root / "sites" / "7" / "c.txt", 30)
    write(root / "2025" / "01" / "main.jpg", 4000)
    write(root / "sites" / "8" / "other.jpg", 9999)
    return root


def test_sizes_and_the_main_site_excludes_sites(tmp_path):
    root = tree(tmp_path)
    site = walk(site_folder(str(root), 7), {}, main_site=False, trust_cache=True)
    assert site.bytes == 1230
    assert set(site.seen) == {b"", b"2025", b"2025/01", b"2025/02"}
    main = walk(site_folder(str(root), 1), {}, main_site=True, trust_cache=True)
    assert main.bytes == 4000
    assert walk(site_folder(str(root), 99), {}, main_site=False, trust_cache=True).bytes == 0


def test_unchanged_folders_are_not_listed_again(tmp_path):
    root = site_folder(str(tree(tmp_path)), 7)
    first = walk(root, {}, main_site=False, trust_cache=True)
    again = walk(root, first.seen, main_site=False, trust_cache=True)
    assert again.bytes == 1230 and again.relisted == [] and again.gone == set()


def test_added_replaced_and_removed_files_are_measured_again(tmp_path):
    root = site_folder(str(tree(tmp_path)), 7)
    cache = walk(root, {}, main_site=False, trust_cache=True).seen
    folder = os.path.join(root, b"2025", b"02")
    write(tmp_path / "uploads/sites/7/2025/02/new.jpg", 50)
    os.utime(folder, ns=(0, cache[b"2025/02"][0] + 1))  # coarse clocks: make the change visible
    changed = walk(root, cache, main_site=False, trust_cache=True)
    assert changed.bytes == 1280
    assert [entry[0] for entry in changed.relisted] == [b"2025/02"]

    replacement = tmp_path / "uploads/sites/7/2025/02/b.tmp"
    replacement.write_bytes(b"y" * 700)
    os.replace(replacement, tmp_path / "uploads/sites/7/2025/02/b.jpg")
    os.utime(folder, ns=(0, changed.seen[b"2025/02"][0] + 1))
    replaced = walk(root, changed.seen, main_site=False, trust_cache=True)
    assert replaced.bytes == 1780

    for name in (b"new.jpg", b"b.jpg"):
        os.remove(os.path.join(folder, name))
    os.rmdir(folder)
    gone = walk(root, replaced.seen, main_site=False, trust_cache=True)
    assert gone.bytes == 1030 and gone.gone == {b"2025/02"}


def test_a_file_rewritten_in_place_is_caught_by_the_full_walk(tmp_path):
    root = site_folder(str(tree(tmp_path)), 7)
    cache = walk(root, {}, main_site=False, trust_cache=True).seen
    path = tmp_path / "uploads/sites/7/c.txt"
    stat = os.stat(os.path.dirname(path))
    path.write_bytes(b"z" * 90)  # same name: the folder's mtime stays
    os.utime(os.path.dirname(path), ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert walk(root, cache, main_site=False, trust_cache=True).bytes == 1230
    assert walk(root, cache, main_site=False, trust_cache=False).bytes == 1290


def test_full_walks_come_due_daily_spread_by_site():
    now = datetime(2025, 1, 2, 12)
    assert full_walk_due(1, None, now)
    assert not full_walk_due(8, now - timedelta(hours=19), now)
    assert full_walk_due(8, now - timedelta(hours=20), now)
    assert not full_walk_due(15, now - timedelta(hours=26), now)
    assert full_walk_due(15, now - timedelta(hours=27), now)
