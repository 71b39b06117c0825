-- A decision is corrected (PATCH with If-Match): its afgørelsesdato,
-- målgrupper and its own støttebehov (the one it was made with, not a
-- follow-up's). Every version is kept in record_versions, numbered by the
-- decision's version when it was written, so version 1 of the existing ones
-- is backfilled here in the shape the API writes (decisions/versions.ts
-- decisionVersionData).
INSERT INTO record_versions (resource_type, resource_id, version, kommunekode, data, recorded_at)
SELECT 'decision', d.id, 1, d.kommunekode,
  jsonb_build_object('afgoerelsesdato', d.afgoerelsesdato, 'primaerMaalgruppe', d.primaer_maalgruppe,
    'oevrigeMaalgrupper', to_jsonb(d.oevrige_maalgrupper),
    'stoettebehov', jsonb_build_object('code', s.code, 'begrundelse', s.begrundelse)),
  d.created_at
FROM decisions d
JOIN LATERAL (
  SELECT code, begrundelse FROM stoettebehov
  WHERE decision_id = d.id AND follow_up_id IS NULL ORDER BY seq LIMIT 1
) s ON true;
