-- A social intervention changes over its course: ydelser are added,
-- extended, shortened, corrected and ended; the whole intervention ends on
-- a date, or moves to another provider (it ends, and a new one continues
-- it the next day). Each ydelse and each intervention carries a version
-- (ETag / If-Match); every version of a ydelse is kept in record_versions.

ALTER TABLE interventions
  ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  ADD COLUMN slutdato date,
  -- When it was ended (the instant of the request), and why, for the case timeline.
  ADD COLUMN ended_at timestamptz,
  ADD COLUMN ended_reason text,
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

-- Rows from before: their last change is their creation; a decision a
-- follow-up closed ended its interventions then, on its closing day.
UPDATE interventions SET changed_at = created_at;
UPDATE intervention_ydelser SET changed_at = created_at;
UPDATE decisions SET
  closed_reason = 'Opfølgning',
  closed_recorded_at = (SELECT max(f.registered_at) FROM follow_ups f WHERE f.decision_id = decisions.id)
WHERE closed_at IS NOT NULL;
UPDATE interventions i SET slutdato = d.closed_at, ended_at = d.closed_recorded_at, ended_reason = d.closed_reason
FROM decisions d WHERE d.id = i.decision_id AND d.closed_at IS NOT NULL;
