-- Exports are audited as one event with what was asked and how much was sent.
ALTER TABLE audit_log ADD COLUMN details text;

-- The uddata stream selects decisions changed since an instant.
CREATE INDEX decisions_changed_idx ON decisions (changed_at);
