-- Records are corrected (PATCH with If-Match) and annulled (entered in
-- error): every recorded thing carries a version, and an annulment marks the
-- row (it stays in the database and the audit trail) with its instant,
-- reason code and comment.
ALTER TABLE theme_registrations
  ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  ADD COLUMN changed_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE notes
  ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  ADD COLUMN changed_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE follow_ups
  ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  ADD COLUMN changed_at timestamptz NOT NULL DEFAULT now();
UPDATE theme_registrations SET changed_at = created_at;
UPDATE notes SET changed_at = created_at;
UPDATE follow_ups SET changed_at = created_at;

ALTER TABLE theme_registrations
  ADD COLUMN annulled_at timestamptz, ADD COLUMN annulled_reason text, ADD COLUMN annulled_comment text;
ALTER TABLE assessments
  ADD COLUMN annulled_at timestamptz, ADD COLUMN annulled_reason text, ADD COLUMN annulled_comment text;
ALTER TABLE goals
  ADD COLUMN annulled_at timestamptz, ADD COLUMN annulled_reason text, ADD COLUMN annulled_comment text;
ALTER TABLE decisions
  ADD COLUMN annulled_at timestamptz, ADD COLUMN annulled_reason text, ADD COLUMN annulled_comment text;
ALTER TABLE interventions
  ADD COLUMN annulled_at timestamptz, ADD COLUMN annulled_reason text, ADD COLUMN annulled_comment text;
ALTER TABLE intervention_ydelser
  ADD COLUMN annulled_at timestamptz, ADD COLUMN annulled_reason text, ADD COLUMN annulled_comment text;
ALTER TABLE delmaal
  ADD COLUMN annulled_at timestamptz, ADD COLUMN annulled_reason text, ADD COLUMN annulled_comment text;
ALTER TABLE notes
  ADD COLUMN annulled_at timestamptz, ADD COLUMN annulled_reason text, ADD COLUMN annulled_comment text;
ALTER TABLE follow_ups
  ADD COLUMN annulled_at timestamptz, ADD COLUMN annulled_reason text, ADD COLUMN annulled_comment text;
