-- VUM phases 1 and 2: the case (sagsåbning) and its investigation (oplysning).

-- A case belongs to one municipality and one citizen. `version` counts
-- changes to the case's own fields (its ETag); `changed_at` moves with
-- anything on the case, for "changed since" queries.
CREATE TABLE cases (
  id uuid PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  kommunekode text NOT NULL CHECK (kommunekode ~ '^[0-9]{3}$'),
  -- CPR number without hyphen.
  cpr text NOT NULL CHECK (cpr ~ '^[0-9]{10}$'),
  -- Borgerens ønsker for fremtiden, in the citizen's own words.
  borgerens_oensker text,
  -- Borgerens lægefaglige diagnoser, as free text entries.
  diagnoser text[] NOT NULL DEFAULT '{}',
  opened_at timestamptz NOT NULL,
  version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_citizen_idx ON cases (cpr, kommunekode);
CREATE INDEX cases_kommunekode_idx ON cases (kommunekode, seq);
CREATE INDEX cases_changed_idx ON cases (changed_at);

-- Theme registrations (udredning) are history: a new registration of a
-- sub-theme adds a row; the current view is the latest row per sub-theme.
-- Only Aktivitet og deltagelse carries a funktionsevneniveau.
CREATE TABLE theme_registrations (
  id uuid PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  case_id uuid NOT NULL REFERENCES cases (id),
  kommunekode text NOT NULL,
  theme text NOT NULL CHECK (theme IN ('funktioner-og-forhold', 'omgivelsesfaktorer', 'aktivitet-og-deltagelse')),
  undertema text NOT NULL,
  funktionsevneniveau text,
  oplysninger_fra_borgeren text,
  oplysninger_fra_andre text,
  sagsbehandlers_bemaerkninger text,
  registered_at timestamptz NOT NULL,
  -- The catalog version the codes were checked against.
  catalog_version text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT theme_registrations_level_check CHECK ((theme = 'aktivitet-og-deltagelse') = (funktionsevneniveau IS NOT NULL))
);
CREATE INDEX theme_registrations_current_idx ON theme_registrations (case_id, theme, undertema, registered_at DESC, seq DESC);
CREATE INDEX theme_registrations_history_idx ON theme_registrations (case_id, theme, registered_at, seq);

-- Responses of writes sent with an Idempotency-Key, replayed on a retry
-- until they expire. Written in the same transaction as the write itself.
CREATE TABLE idempotency_keys (
  client_id uuid NOT NULL,
  key text NOT NULL,
  -- SHA-256 of the method, URL and canonical JSON body.
  fingerprint text NOT NULL,
  status integer NOT NULL,
  -- Response headers to replay (location, etag).
  headers text NOT NULL,
  body text NOT NULL,
  resource_id text,
  kommunekode text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (client_id, key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
