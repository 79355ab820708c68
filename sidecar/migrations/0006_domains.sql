-- Custom domains (docs/domains.md): the network's domain settings, the mapped domains that the
-- sunrise.php drop-in routes, and the plan flag "Allow Custom Domains".

-- One row per network. addresses: the network's A/AAAA targets, one per line. cname_target: the
-- host a CNAME chain must reach. resolver: "host" or "host:port" ("[v6]:port"); '' = the
-- system's resolver. instructions: the text shown before a customer adds a domain.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_domain_settings` (
  network_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  enabled TINYINT(1) NOT NULL DEFAULT 0,
  instructions TEXT NOT NULL,
  addresses VARCHAR(1000) NOT NULL DEFAULT '',
  cname_target VARCHAR(253) NOT NULL DEFAULT '',
  txt_required TINYINT(1) NOT NULL DEFAULT 1,
  resolver VARCHAR(100) NOT NULL DEFAULT '',
  https_check TINYINT(1) NOT NULL DEFAULT 0,
  updated_at DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- domain: lowercase ASCII (IDN as punycode), unique in the database — a host name routes to
-- one site. status: pending, dns-ok, verified, https-ok or failed; sunrise.php routes enabled
-- rows that are verified or https-ok. primary_blog is blog_id for the primary domain and NULL
-- otherwise, so the unique key allows one primary per site. attempts: failed checks in a row.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_domains` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  network_id BIGINT UNSIGNED NOT NULL,
  blog_id BIGINT UNSIGNED NOT NULL,
  domain VARCHAR(253) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  is_primary TINYINT(1) NOT NULL DEFAULT 0,
  primary_blog BIGINT UNSIGNED AS (IF(is_primary = 1, blog_id, NULL)) PERSISTENT,
  enabled TINYINT(1) NOT NULL DEFAULT 1,
  status VARCHAR(10) NOT NULL DEFAULT 'pending',
  token VARCHAR(64) NOT NULL,
  last_error VARCHAR(500) NOT NULL DEFAULT '',
  attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  checked_at DATETIME NULL,
  next_check_at DATETIME NULL,
  verified_at DATETIME NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  UNIQUE KEY domain (domain),
  UNIQUE KEY primary_blog (primary_blog),
  KEY blog (blog_id),
  KEY due (next_check_at),
  KEY network_status (network_id, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Plans: "Allow Custom Domains" (the number of domains is the `domains` limit).
ALTER TABLE `{prefix}sidecar_products`
  ADD COLUMN IF NOT EXISTS allow_custom_domains TINYINT(1) NOT NULL DEFAULT 0 AFTER limits;
