-- Plans, packages and services, memberships, discount codes, invoices, payments, events.
-- Money is DECIMAL(12,2) in the product's currency (ISO 4217 code); never a float.

CREATE TABLE IF NOT EXISTS `{prefix}sidecar_plan_groups` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(120) NOT NULL,
  created_at DATETIME NOT NULL,
  UNIQUE KEY name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- type: plan (the membership's base), package (adds to a plan's limits), service (one-off work).
-- billing_period: month, year or once. limits: JSON object {limit type: integer or null}.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_products` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  type VARCHAR(10) NOT NULL,
  slug VARCHAR(64) NOT NULL,
  name VARCHAR(120) NOT NULL,
  description TEXT NOT NULL,
  price DECIMAL(12,2) NOT NULL,
  setup_fee DECIMAL(12,2) NOT NULL DEFAULT 0,
  currency CHAR(3) NOT NULL,
  billing_period VARCHAR(5) NOT NULL,
  plan_group_id INT UNSIGNED NULL,
  limits LONGTEXT NOT NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  sort_order INT NOT NULL DEFAULT 0,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  UNIQUE KEY slug (slug),
  KEY type_active (type, active, sort_order),
  KEY plan_group (plan_group_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- kind: percent (amount = 0-100) or fixed (amount in currency).
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_discount_codes` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(40) NOT NULL,
  description VARCHAR(255) NOT NULL DEFAULT '',
  kind VARCHAR(7) NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  currency CHAR(3) NULL,
  applies_to_renewals TINYINT(1) NOT NULL DEFAULT 0,
  max_uses INT UNSIGNED NULL,
  uses INT UNSIGNED NOT NULL DEFAULT 0,
  valid_from DATETIME NULL,
  valid_until DATETIME NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  created_at DATETIME NOT NULL,
  UNIQUE KEY code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A customer is a WordPress user who buys; the billing address lives here. (The customers
-- grid issue adds the other columns.)
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_customers` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT UNSIGNED NOT NULL,
  billing_name VARCHAR(120) NOT NULL DEFAULT '',
  billing_company VARCHAR(120) NOT NULL DEFAULT '',
  billing_address_1 VARCHAR(200) NOT NULL DEFAULT '',
  billing_address_2 VARCHAR(200) NOT NULL DEFAULT '',
  billing_city VARCHAR(100) NOT NULL DEFAULT '',
  billing_postcode VARCHAR(20) NOT NULL DEFAULT '',
  billing_state VARCHAR(100) NOT NULL DEFAULT '',
  billing_country CHAR(2) NOT NULL DEFAULT '',
  billing_vat_number VARCHAR(30) NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  UNIQUE KEY user_id (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- status: pending, active, on_hold, expired, cancelled. number: random, shown to people.
-- expires_at: end of the paid period. version: optimistic lock for concurrent changes.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_memberships` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  number VARCHAR(16) NOT NULL,
  customer_id INT UNSIGNED NOT NULL,
  blog_id BIGINT UNSIGNED NULL,
  plan_id INT UNSIGNED NOT NULL,
  status VARCHAR(10) NOT NULL,
  currency CHAR(3) NOT NULL,
  initial_amount DECIMAL(12,2) NOT NULL,
  recurring_amount DECIMAL(12,2) NOT NULL,
  billing_period VARCHAR(5) NOT NULL,
  times_billed INT UNSIGNED NOT NULL DEFAULT 0,
  discount_code_id INT UNSIGNED NULL,
  cancel_at_period_end TINYINT(1) NOT NULL DEFAULT 0,
  created_at DATETIME NOT NULL,
  renewed_at DATETIME NULL,
  expires_at DATETIME NULL,
  cancelled_at DATETIME NULL,
  updated_at DATETIME NOT NULL,
  version INT UNSIGNED NOT NULL DEFAULT 0,
  UNIQUE KEY number (number),
  KEY customer (customer_id),
  KEY blog (blog_id),
  KEY status_expires (status, expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}sidecar_membership_packages` (
  membership_id INT UNSIGNED NOT NULL,
  product_id INT UNSIGNED NOT NULL,
  quantity INT UNSIGNED NOT NULL,
  price DECIMAL(12,2) NOT NULL,
  added_at DATETIME NOT NULL,
  PRIMARY KEY (membership_id, product_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The next invoice number per network, taken under a row lock in the invoice's transaction:
-- sequential, no gaps (a rolled-back invoice gives its number back), no duplicates.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_invoice_counters` (
  network_id INT UNSIGNED NOT NULL PRIMARY KEY,
  last_number BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- status: pending, paid, refunded, failed, cancelled. reason: signup, renewal, change, package.
-- billing_address: JSON snapshot taken when issued (later address changes don't touch it).
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_invoices` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  network_id INT UNSIGNED NOT NULL,
  number BIGINT UNSIGNED NOT NULL,
  customer_id INT UNSIGNED NOT NULL,
  membership_id INT UNSIGNED NULL,
  status VARCHAR(10) NOT NULL,
  reason VARCHAR(10) NOT NULL,
  currency CHAR(3) NOT NULL,
  subtotal DECIMAL(12,2) NOT NULL,
  discount DECIMAL(12,2) NOT NULL DEFAULT 0,
  tax_rate DECIMAL(5,2) NOT NULL DEFAULT 0,
  tax DECIMAL(12,2) NOT NULL DEFAULT 0,
  total DECIMAL(12,2) NOT NULL,
  billing_address LONGTEXT NOT NULL,
  gateway VARCHAR(20) NOT NULL,
  issued_at DATETIME NOT NULL,
  due_at DATETIME NOT NULL,
  paid_at DATETIME NULL,
  updated_at DATETIME NOT NULL,
  UNIQUE KEY network_number (network_id, number),
  KEY customer (customer_id, issued_at),
  KEY membership (membership_id),
  KEY status_due (status, due_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}sidecar_invoice_lines` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  invoice_id INT UNSIGNED NOT NULL,
  position SMALLINT UNSIGNED NOT NULL,
  description VARCHAR(255) NOT NULL,
  product_id INT UNSIGNED NULL,
  quantity INT NOT NULL,
  unit_price DECIMAL(12,2) NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  KEY invoice (invoice_id, position)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- status: succeeded, refunded, failed. reference: the gateway's id (a bank reference, …).
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_payments` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  invoice_id INT UNSIGNED NOT NULL,
  gateway VARCHAR(20) NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  currency CHAR(3) NOT NULL,
  status VARCHAR(10) NOT NULL,
  reference VARCHAR(100) NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  KEY invoice (invoice_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every change to a membership, payment, product, …: who, when, what, before/after (JSON).
-- actor_type: customer, admin, system, api.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_events` (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  occurred_at DATETIME(6) NOT NULL,
  actor_type VARCHAR(10) NOT NULL,
  actor_id BIGINT UNSIGNED NULL,
  subject_type VARCHAR(32) NOT NULL,
  subject_id BIGINT UNSIGNED NOT NULL,
  action VARCHAR(64) NOT NULL,
  before_state LONGTEXT NULL,
  after_state LONGTEXT NULL,
  request_id VARCHAR(64) NOT NULL DEFAULT '',
  KEY subject (subject_type, subject_id, id),
  KEY occurred (occurred_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
