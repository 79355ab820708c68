-- Onboarding (configuration) templates: how each new customer added by an admin is set up.
-- is_default is 1 on the network's default template and NULL on every other one, so the
-- UNIQUE key (network_id, is_default) lets the database itself refuse a second default (NULLs
-- never collide). payer_customer_id NULL: the customer pays for their own membership.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_onboarding_templates` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  network_id BIGINT UNSIGNED NOT NULL,
  name VARCHAR(100) NOT NULL,
  description VARCHAR(500) NOT NULL DEFAULT '',
  plan_id INT UNSIGNED NULL,
  payer_customer_id INT UNSIGNED NULL,
  is_default TINYINT(1) NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  UNIQUE KEY network_default (network_id, is_default),
  UNIQUE KEY network_name (network_id, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Network users a template adds to each new customer's site, with the role they get there.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_onboarding_managers` (
  template_id INT UNSIGNED NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  role VARCHAR(64) NOT NULL,
  PRIMARY KEY (template_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Webhooks (integrations) a template attaches to each new customer.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_onboarding_webhooks` (
  template_id INT UNSIGNED NOT NULL,
  webhook_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (template_id, webhook_id),
  KEY webhook (webhook_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What was applied to a customer added from a template (JSON copy of the template as it was:
-- managers, plan, payer, webhooks), so that later edits of the template change nothing.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_customer_onboarding` (
  customer_id INT UNSIGNED NOT NULL PRIMARY KEY,
  template_id INT UNSIGNED NULL,
  snapshot LONGTEXT NOT NULL,
  applied_at DATETIME NOT NULL,
  applied_by BIGINT UNSIGNED NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Who pays a membership when it is not its customer (a payer account: the network's own
-- customer record or a partner's). Invoices of the membership go to the payer.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_membership_payers` (
  membership_id INT UNSIGNED NOT NULL PRIMARY KEY,
  payer_customer_id INT UNSIGNED NOT NULL,
  KEY payer (payer_customer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Outbound webhooks. events: comma-separated event types. scope: `network` (every event of
-- those types) or `customers` (only events about customers the webhook is attached to).
-- secret: needed to sign each delivery, so it is stored; it is never logged nor shown again.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_webhooks` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  network_id BIGINT UNSIGNED NOT NULL,
  name VARCHAR(100) NOT NULL,
  url VARCHAR(500) NOT NULL,
  secret VARCHAR(80) NOT NULL,
  events VARCHAR(500) NOT NULL,
  scope VARCHAR(10) NOT NULL DEFAULT 'network',
  active TINYINT(1) NOT NULL DEFAULT 1,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  KEY network (network_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `{prefix}sidecar_customer_webhooks` (
  customer_id INT UNSIGNED NOT NULL,
  webhook_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (customer_id, webhook_id),
  KEY webhook (webhook_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The outbox: one row per webhook and event, written in the transaction of the change.
-- status: pending, sending (claimed until claimed_until), delivered, failed (gave up).
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_webhook_deliveries` (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  webhook_id INT UNSIGNED NOT NULL,
  event_id CHAR(32) NOT NULL,
  event_type VARCHAR(64) NOT NULL,
  payload LONGTEXT NOT NULL,
  status VARCHAR(10) NOT NULL DEFAULT 'pending',
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at DATETIME NOT NULL,
  claimed_until DATETIME NULL,
  last_status INT NULL,
  last_error VARCHAR(255) NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL,
  delivered_at DATETIME NULL,
  UNIQUE KEY webhook_event (webhook_id, event_id),
  KEY due (status, next_attempt_at),
  KEY webhook_id (webhook_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every attempt to deliver: HTTP status (NULL: no answer), time taken, error.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_webhook_attempts` (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  delivery_id BIGINT UNSIGNED NOT NULL,
  attempted_at DATETIME(6) NOT NULL,
  status_code INT NULL,
  duration_ms INT UNSIGNED NOT NULL,
  error VARCHAR(255) NOT NULL DEFAULT '',
  KEY delivery (delivery_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
