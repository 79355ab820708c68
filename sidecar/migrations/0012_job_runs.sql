-- Scheduled job runs: the tick (start of the job's interval window, UTC) each job last ran
-- for, so that several `sidecar jobs` processes on one database run each job exactly once per
-- tick (the per-job GET_LOCK alone only keeps runs from overlapping), and how often it ran.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_job_runs` (
  job VARCHAR(64) NOT NULL PRIMARY KEY,
  tick DATETIME NOT NULL,
  started_at DATETIME NOT NULL,
  runs BIGINT UNSIGNED NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
