-- Credit owed to a membership (a downgrade's unused days); taken off its next invoices.
ALTER TABLE `{prefix}sidecar_memberships`
  ADD COLUMN IF NOT EXISTS credit DECIMAL(12,2) NOT NULL DEFAULT 0 AFTER times_billed;
