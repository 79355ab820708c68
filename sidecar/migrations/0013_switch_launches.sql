-- How many times the jobs process started a worker for a queued switch. A switch whose
-- workers never ran (a broken install) is marked failed after a few starts instead of being
-- started every minute forever.
ALTER TABLE `{prefix}sidecar_template_switches`
  ADD COLUMN IF NOT EXISTS launches SMALLINT UNSIGNED NOT NULL DEFAULT 0;
