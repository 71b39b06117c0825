-- API clients: vendor systems, each serving a set of municipalities with a
-- set of scopes. Tokens are stored only as SHA-256 hashes.
CREATE TABLE api_clients (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  -- Kommunekoder (3 digits) the client serves; ignored when all_municipalities.
  municipalities text[] NOT NULL DEFAULT '{}',
  all_municipalities boolean NOT NULL DEFAULT false,
  scopes text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  CONSTRAINT api_clients_municipalities_check CHECK (all_municipalities OR cardinality(municipalities) > 0)
);

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY,
  client_id uuid NOT NULL REFERENCES api_clients (id),
  token_hash text NOT NULL UNIQUE,
  -- The first characters of the token, to tell tokens apart in listings.
  prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX api_tokens_client_idx ON api_tokens (client_id);

-- Who touched which citizen data, when, and with what outcome.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  client_id uuid NOT NULL,
  kommunekode text,
  action text NOT NULL,
  resource_type text NOT NULL,
  resource_id text,
  request_id text NOT NULL,
  outcome text NOT NULL,
  status integer NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at, id);
CREATE INDEX audit_log_client_idx ON audit_log (client_id, id);
CREATE INDEX audit_log_resource_idx ON audit_log (resource_type, resource_id, id);

-- The audit trail is append-only: the database itself refuses to change it.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
