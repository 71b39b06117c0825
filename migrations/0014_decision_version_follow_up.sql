-- A decision's versions (record_versions) now name its own opfølgningsdato
-- (decisions/versions.ts decisionVersionData); those kept before it existed
-- had none, so they say so in the shape the API writes.
UPDATE record_versions SET data = data || '{"opfoelgningsdato": null}'::jsonb
WHERE resource_type = 'decision' AND data -> 'opfoelgningsdato' IS NULL;
