-- A social intervention changes over its course: ydelser are added,
-- extended, shortened, corrected and ended; the whole intervention ends on
-- a date, or moves to another provider (it ends, and a new one continues
-- it the next day). Each ydelse and each intervention carries a version
-- (ETag / If-Match); every version of a ydelse is kept in record_versions.

ALTER TABLE interventions
  ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  ADD COLUMN slutdato date,
  -- When it was ended (the instant of the request), for the case timeline.
  ADD COLUMN ended_at timestamptz,
  ADD COLUMN continues_intervention_id uuid REFERENCES interventions (id),
  ADD COLUMN changed_at timestamptz NOT NULL DEFAULT now();

-- A decision ends (ophør) on a day, with its reason: by a follow-up or on its own.
ALTER TABLE decisions
  ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  ADD COLUMN closed_reason text,
  -- When it was closed (the instant of the request), for the case timeline.
  ADD COLUMN closed_recorded_at timestamptz;

ALTER TABLE intervention_ydelser
  ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  ADD COLUMN changed_at timestamptz NOT NULL DEFAULT now();

-- Every version of a record as it was written: who wrote it, when and why.
CREATE TABLE record_versions (
  resource_type text NOT NULL,
  resource_id uuid NOT NULL,
  version integer NOT NULL,
  kommunekode text NOT NULL,
  data jsonb NOT NULL,
  -- Unknown for versions written before versions were kept.
  client_id uuid,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  reason text,
  PRIMARY KEY (resource_type, resource_id, version)
);

INSERT INTO record_versions (resource_type, resource_id, version, kommunekode, data, recorded_at)
SELECT 'ydelse', id, 1, kommunekode,
  jsonb_build_object('code', code, 'startdato', startdato, 'slutdato', slutdato,
    'registeredAt', to_char(registered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
  created_at
FROM intervention_ydelser;
