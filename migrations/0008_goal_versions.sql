-- A goal is corrected (PATCH with If-Match): it carries a version, and every
-- version is kept in record_versions (version 1 of existing goals backfilled).
ALTER TABLE goals
  ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  ADD COLUMN changed_at timestamptz NOT NULL DEFAULT now();
UPDATE goals SET changed_at = created_at;

INSERT INTO record_versions (resource_type, resource_id, version, kommunekode, data, recorded_at)
SELECT 'goal', id, 1, kommunekode,
  jsonb_build_object('maalformulering', maalformulering, 'maaltype', maaltype, 'forventetFunktionsevneniveau', forventet_funktionsevneniveau,
    'opfoelgningsdato', opfoelgningsdato, 'ansvarligForOpfoelgning', ansvarlig_for_opfoelgning,
    'relateredeUndertemaer', to_jsonb(relaterede_undertemaer)),
  created_at
FROM goals;
