-- Heartbeats of long-running processes: the jobs scheduler writes its row every minute, so
-- `sidecar doctor` can tell whether it is alive. One row per process name and host.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_heartbeats` (
  process VARCHAR(32) NOT NULL,
  host VARCHAR(190) NOT NULL,
  pid INT UNSIGNED NOT NULL,
  started_at DATETIME NOT NULL,
  beat_at DATETIME NOT NULL,
  PRIMARY KEY (process, host),
  KEY beat_at (beat_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Imports from other systems (Ultimate Multisite): which source row became which sidecar row,
-- so a second run updates nothing twice and creates no duplicates.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_import_map` (
  source VARCHAR(32) NOT NULL,
  kind VARCHAR(32) NOT NULL,
  source_id BIGINT UNSIGNED NOT NULL,
  target_id BIGINT UNSIGNED NOT NULL,
  imported_at DATETIME NOT NULL,
  PRIMARY KEY (source, kind, source_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
