-- One-time ids of shim assertions already used: a second use is a replay.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_token_uses` (
  jti CHAR(32) NOT NULL PRIMARY KEY,
  expires_at INT UNSIGNED NOT NULL,
  KEY expires_at (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Keys for the JSON API: only a SHA-256 of the secret part is stored.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_api_keys` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  key_id CHAR(12) NOT NULL,
  secret_sha256 CHAR(64) NOT NULL,
  created_at DATETIME NOT NULL,
  last_used_at DATETIME NULL,
  revoked_at DATETIME NULL,
  UNIQUE KEY key_id (key_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
