-- Site templates, the product side (docs/templates.md "Product"): the catalogue of template
-- sites, the network's "Allow Template Switching", each plan's template settings and which
-- template each site uses. The switches and backups themselves are the engine's (0008).

-- The catalogue: a template is an ordinary site of the network (never the main site) that a
-- network admin marked as template. preview_url: an image URL (or '' for none).
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_site_templates` (
  blog_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  network_id BIGINT UNSIGNED NOT NULL,
  name VARCHAR(120) NOT NULL,
  description VARCHAR(2000) NOT NULL DEFAULT '',
  preview_url VARCHAR(2000) NOT NULL DEFAULT '',
  sort_order INT NOT NULL DEFAULT 0,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  KEY network_order (network_id, sort_order, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per network: Allow Template Switching (customers change their site's template from
-- the Account page or the API). No row: off.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_template_settings` (
  network_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  allow_switching TINYINT(1) NOT NULL DEFAULT 0,
  updated_at DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per plan: Allow Site Templates, the selection mode (default: no template, the site starts as
-- WordPress makes it; assign: every site of the plan gets assigned_blog_id; choose: the customer
-- chooses among the Available templates, preselected_blog_id chosen by default). No row: off.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_plan_templates` (
  plan_id INT UNSIGNED NOT NULL PRIMARY KEY,
  allow_templates TINYINT(1) NOT NULL DEFAULT 0,
  mode VARCHAR(10) NOT NULL DEFAULT 'default',
  assigned_blog_id BIGINT UNSIGNED NULL,
  preselected_blog_id BIGINT UNSIGNED NULL,
  updated_at DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per plan and template: Available (1) / Not Available (0). No row: Not Available, so a
-- template marked later is offered nowhere until an admin makes it available.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_plan_template_choices` (
  plan_id INT UNSIGNED NOT NULL,
  blog_id BIGINT UNSIGNED NOT NULL,
  available TINYINT(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (plan_id, blog_id),
  KEY template (blog_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every switch or undo the product side requested (switch_id: the engine's id), who asked
-- (source: signup, account, api, admin) and, once the engine finished, its outcome (done,
-- failed, or unknown when never seen finished; NULL while queued or running).
-- template_blog_id: the template the site's content comes from once it is done (for an undo:
-- the one before the undone switch); previous_blog_id: the template it came from before.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_site_template_uses` (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  blog_id BIGINT UNSIGNED NOT NULL,
  switch_id BIGINT UNSIGNED NOT NULL,
  kind VARCHAR(10) NOT NULL,
  template_blog_id BIGINT UNSIGNED NULL,
  previous_blog_id BIGINT UNSIGNED NULL,
  source VARCHAR(10) NOT NULL,
  outcome VARCHAR(10) NULL,
  created_at DATETIME NOT NULL,
  UNIQUE KEY switch (switch_id),
  KEY blog (blog_id, id),
  KEY unsettled (outcome)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The template each site's content comes from now (after done switches and undos), and the one
-- before it (what an undo brings back). No row: the site never used a template.
CREATE TABLE IF NOT EXISTS `{prefix}sidecar_site_template_origins` (
  blog_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  template_blog_id BIGINT UNSIGNED NULL,
  previous_blog_id BIGINT UNSIGNED NULL,
  updated_at DATETIME NOT NULL,
  KEY template (template_blog_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
