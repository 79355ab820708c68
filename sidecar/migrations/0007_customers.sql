-- The customers grid (Network Admin → Customers): customer groups (group 1 is the default one
-- and cannot be deleted), companies, the admins' saved grid views, a few settings, and the
-- customer record's other columns. Name and email stay in wp_users (joined), never copied.

CREATE TABLE IF NOT EXISTS `{prefix}sidecar_customer_groups` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(80) NOT NULL,
  created_at DATETIME NOT NULL,
  UNIQUE KEY name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO `{prefix}sidecar_customer_groups` (id, name, created_at)
VALUES (1, 'General', UTC_TIMESTAMP());

CREATE TABLE IF NOT EXISTS `{prefix}sidecar_companies` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(120) NOT NULL,
  created_at DATETIME NOT NULL,
  UNIQUE KEY name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- state: JSON {"q", "filters", "columns", "sort", "dir", "per_page"} of the grid.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_customer_views` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT UNSIGNED NOT NULL,
  name VARCHAR(80) NOT NULL,
  state TEXT NOT NULL,
  is_default TINYINT(1) NOT NULL DEFAULT 0,
  created_at DATETIME NOT NULL,
  UNIQUE KEY user_name (user_id, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- full_birth_dates: "1" keeps day and month of birth too; otherwise only the year is stored.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_customer_settings` (
  name VARCHAR(64) NOT NULL PRIMARY KEY,
  value VARCHAR(255) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- gender: '' (not specified), female, male, other. customer_type: individual, company_admin,
-- company_user. birth_year always; birth_date only when full dates are enabled.
ALTER TABLE `{prefix}sidecar_customers`
  ADD COLUMN IF NOT EXISTS group_id INT UNSIGNED NOT NULL DEFAULT 1,
  ADD COLUMN IF NOT EXISTS phone VARCHAR(40) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS fax VARCHAR(40) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS street VARCHAR(200) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS city VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS zip VARCHAR(20) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS country CHAR(2) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS state VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS website_blog_id BIGINT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS created_in VARCHAR(120) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS email_confirmed TINYINT(1) NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS birth_year SMALLINT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS birth_date DATE NULL,
  ADD COLUMN IF NOT EXISTS vat_number VARCHAR(30) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS gender VARCHAR(12) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS company_id INT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS customer_type VARCHAR(14) NOT NULL DEFAULT 'individual',
  ADD COLUMN IF NOT EXISTS sales_rep_user_id BIGINT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS newsletter TINYINT(1) NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS active TINYINT(1) NOT NULL DEFAULT 1,
  ADD COLUMN IF NOT EXISTS billing_first_name VARCHAR(60) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS billing_last_name VARCHAR(60) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS shipping_address VARCHAR(500) NOT NULL DEFAULT '',
  ADD KEY IF NOT EXISTS group_since (group_id, created_at),
  ADD KEY IF NOT EXISTS country_since (country, created_at),
  ADD KEY IF NOT EXISTS since (created_at),
  ADD KEY IF NOT EXISTS zip (zip),
  ADD KEY IF NOT EXISTS company_type (company_id, customer_type),
  ADD KEY IF NOT EXISTS website (website_blog_id),
  ADD KEY IF NOT EXISTS newsletter_since (newsletter, created_at);
