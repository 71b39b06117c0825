-- Tamper evidence for the audit trail (docs/operations.md, "Audit trail").
-- Every audit row is sealed into a hash chain: link n holds
-- sha256(hash of link n-1 || the audit row's canonical text), so an edited,
-- removed or inserted row breaks the chain at that link. Sealing happens
-- shortly after commit, in order of sealing, by whichever API process (or
-- `npm run audit:verify`) takes the sealing lock (src/audit/chain.ts).

-- Audit rows committed but not yet sealed: filled by the trigger below in
-- the transaction that inserts them, emptied by the sealer.
CREATE TABLE audit_pending (
  audit_id bigint PRIMARY KEY
);

CREATE FUNCTION audit_log_queue_for_seal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_pending (audit_id) SELECT id FROM new_rows;
  RETURN NULL;
END
$$;
CREATE TRIGGER audit_log_queue_for_seal AFTER INSERT ON audit_log
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_log_queue_for_seal();

CREATE TABLE audit_chain (
  -- The link's place in the chain: 1, 2, 3, … without gaps.
  seq bigint PRIMARY KEY,
  audit_id bigint NOT NULL UNIQUE,
  -- Hex SHA-256 of the previous link's hash and this row's canonical text.
  hash text NOT NULL,
  sealed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Like the audit rows, their links are never changed or removed: the
-- trail's refusal now names the table it guards, and guards both.
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_chain_no_update_delete BEFORE UPDATE OR DELETE ON audit_chain
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- The rows written before this migration are sealed first, in id order.
INSERT INTO audit_pending (audit_id) SELECT id FROM audit_log;
