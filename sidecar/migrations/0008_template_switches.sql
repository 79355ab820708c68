-- Site template switches and undos (docs/templates.md, section "Engine"). One row per request.
-- kind: switch (the site takes the template site's content) or undo (the site gets back the
-- backup of switch restores_id). state: queued, running, done, failed. step: the progress step
-- (queued, copying_tables, rewriting_urls, copying_media, swapping, clearing_caches, done).
-- active_site is site_id while the row is queued or running and NULL otherwise, so its unique
-- key allows one switch or undo per site at a time. live_tables / staging_tables: JSON lists of
-- the table suffixes (after `wp_N_`) moved to the backup / taken from the template.
-- backup: none (nothing kept), kept (backup tables `{prefix}tsw{id}b_*` exist until
-- undo_until), restored (an undo put it back), dropped (expired and deleted).
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_template_switches` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  site_id BIGINT UNSIGNED NOT NULL,
  template_site_id BIGINT UNSIGNED NOT NULL,
  kind VARCHAR(10) NOT NULL DEFAULT 'switch',
  reason VARCHAR(20) NOT NULL DEFAULT 'switch',
  restores_id INT UNSIGNED NULL,
  state VARCHAR(10) NOT NULL DEFAULT 'queued',
  step VARCHAR(20) NOT NULL DEFAULT 'queued',
  percent TINYINT UNSIGNED NOT NULL DEFAULT 0,
  error VARCHAR(1000) NOT NULL DEFAULT '',
  active_site BIGINT UNSIGNED AS (IF(state IN ('queued', 'running'), site_id, NULL)) PERSISTENT,
  actor_type VARCHAR(10) NOT NULL DEFAULT 'system',
  actor_id BIGINT UNSIGNED NULL,
  live_tables TEXT NOT NULL,
  staging_tables TEXT NOT NULL,
  media VARCHAR(10) NOT NULL DEFAULT 'none',
  backup VARCHAR(10) NOT NULL DEFAULT 'none',
  undo_until DATETIME NULL,
  created_at DATETIME NOT NULL,
  started_at DATETIME NULL,
  finished_at DATETIME NULL,
  updated_at DATETIME NOT NULL,
  UNIQUE KEY active_site (active_site),
  KEY site (site_id, id),
  KEY state (state, id),
  KEY backup (backup, undo_until)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
