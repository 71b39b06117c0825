-- Registrations and follow-ups are corrected (PATCH with If-Match; their
-- version and changed_at came with 0009): every version is kept in
-- record_versions, so version 1 of the existing ones is backfilled here in
-- the shape the API writes (registrations: investigation/queries.ts
-- registrationVersionData; follow-ups: follow-ups/queries.ts
-- followUpVersionData).
INSERT INTO record_versions (resource_type, resource_id, version, kommunekode, data, recorded_at)
SELECT 'registration', id, 1, kommunekode,
  jsonb_build_object('undertema', undertema, 'funktionsevneniveau', funktionsevneniveau,
    'registeredAt', to_char(registered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'oplysningerFraBorgeren', oplysninger_fra_borgeren, 'oplysningerFraAndre', oplysninger_fra_andre,
    'sagsbehandlersBemaerkninger', sagsbehandlers_bemaerkninger),
  created_at
FROM theme_registrations;

INSERT INTO record_versions (resource_type, resource_id, version, kommunekode, data, recorded_at)
SELECT 'follow-up', f.id, 1, f.kommunekode,
  jsonb_build_object(
    'maal', coalesce((
      SELECT jsonb_agg(jsonb_build_object('goalId', fg.goal_id, 'funktionsevneniveau', r.funktionsevneniveau,
        'borgerensVurdering', fg.borgerens_vurdering, 'udfoerersVurdering', fg.udfoerers_vurdering,
        'sagsbehandlersVurdering', fg.sagsbehandlers_vurdering, 'maalOpnaaet', fg.maal_opnaaet) ORDER BY fg.position)
      FROM follow_up_goals fg JOIN theme_registrations r ON r.id = fg.registration_id
      WHERE fg.follow_up_id = f.id), '[]'::jsonb),
    'naesteOpfoelgningsdato', f.naeste_opfoelgningsdato),
  f.created_at
FROM follow_ups f;
