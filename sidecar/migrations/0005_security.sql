-- Wrong passwords per WordPress user: failed log-ins reported by the shim (source "wp-login")
-- and failed password checks on the Account page (source "account"). Only ids and times:
-- no login names, no addresses. Rows older than the counting window are pruned as new ones
-- arrive; the rows that led to a lock are removed when the lock is set.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_auth_failures` (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT UNSIGNED NOT NULL,
  source VARCHAR(16) NOT NULL,
  failed_at DATETIME NOT NULL,
  KEY user_failed (user_id, failed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Locked accounts (UTC times). The shim refuses authentication while locked_until is in the
-- future; a network admin's unlock deletes the row.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_account_locks` (
  user_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  locked_at DATETIME NOT NULL,
  locked_until DATETIME NOT NULL,
  failures INT UNSIGNED NOT NULL,
  KEY locked_until (locked_until)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
