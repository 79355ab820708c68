-- Plan limits (docs/limits.md): visits counted by the shim, usage measured by the sweep, a
-- daily history, the disk-walk cache, admin overrides of limits, and the sites the sidecar
-- suspended.

-- Written by the shim: one INSERT IGNORE per counted front-end page view (docs/limits.md).
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_visits` (
  blog_id BIGINT UNSIGNED NOT NULL,
  day DATE NOT NULL,
  visitor CHAR(32) NOT NULL,
  PRIMARY KEY (blog_id, day, visitor)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Current usage per site, replaced by each sweep. post_types / roles: JSON {name: count}.
-- disk_bytes NULL: not measured (no uploads folder configured). worst_pct: the highest
-- usage / limit of the site's limits in percent (NULL: nothing limited), for the admin page.
-- published_hash: SHA-1 of the last sidecar_enforcement option written (without `updated`).
-- measured_at NULL: the option was published before the first sweep measured the site.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_site_usage` (
  blog_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  posts INT UNSIGNED NOT NULL DEFAULT 0,
  pages INT UNSIGNED NOT NULL DEFAULT 0,
  post_types TEXT NOT NULL,
  users INT UNSIGNED NOT NULL DEFAULT 0,
  roles TEXT NOT NULL,
  disk_bytes BIGINT UNSIGNED NULL,
  visits_month INT UNSIGNED NOT NULL DEFAULT 0,
  worst_pct INT UNSIGNED NULL,
  worst_key VARCHAR(80) NOT NULL DEFAULT '',
  measured_at DATETIME NULL,
  disk_walked_at DATETIME NULL,
  published_hash CHAR(40) NOT NULL DEFAULT '',
  published_at DATETIME NULL,
  KEY worst (worst_pct)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per site and day: the last sweep's numbers of that day (visits: unique visitors
-- of that day). Feeds the 30-day chart of the Account page.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_usage_history` (
  blog_id BIGINT UNSIGNED NOT NULL,
  day DATE NOT NULL,
  posts INT UNSIGNED NOT NULL DEFAULT 0,
  pages INT UNSIGNED NOT NULL DEFAULT 0,
  users INT UNSIGNED NOT NULL DEFAULT 0,
  disk_bytes BIGINT UNSIGNED NULL,
  visits INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (blog_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The disk walk's cache: per folder (path relative to the site's uploads folder, md5 as key)
-- its modification time and the bytes of the files directly in it. A folder whose mtime did
-- not change is not listed again.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_disk_cache` (
  blog_id BIGINT UNSIGNED NOT NULL,
  folder_hash BINARY(16) NOT NULL,
  folder VARBINARY(2048) NOT NULL,
  mtime_ns BIGINT NOT NULL,
  bytes BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (blog_id, folder_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A network admin's overrides: scope `membership` (scope_id = membership id) or `site`
-- (scope_id = blog id). value replaces plan + packages for that limit; 0 or NULL = unlimited.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_limit_overrides` (
  scope VARCHAR(10) NOT NULL,
  scope_id BIGINT UNSIGNED NOT NULL,
  limit_key VARCHAR(80) NOT NULL,
  value BIGINT UNSIGNED NULL,
  updated_at DATETIME NOT NULL,
  PRIMARY KEY (scope, scope_id, limit_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Sites of expired memberships the sidecar has dealt with. archived_by_sidecar = 1: the
-- sidecar archived the site and unarchives it when the membership is active again; 0: the site
-- was already archived (by an admin) or gone, and is left as it is.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_suspensions` (
  blog_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  membership_id INT UNSIGNED NOT NULL,
  archived_by_sidecar TINYINT(1) NOT NULL,
  suspended_at DATETIME NOT NULL,
  KEY membership (membership_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
