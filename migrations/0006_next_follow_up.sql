-- A follow-up that continues the intervention sets when the goals are next due.
ALTER TABLE follow_ups ADD COLUMN naeste_opfoelgningsdato date;
