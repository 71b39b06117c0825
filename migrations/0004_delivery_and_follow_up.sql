-- VUM phases 6 and 7: delivery by the provider (delmål, notes) and the
-- authority's follow-up (opfølgning) on a decision.

CREATE TABLE delmaal (
  id uuid PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  case_id uuid NOT NULL REFERENCES cases (id),
  goal_id uuid NOT NULL REFERENCES goals (id),
  kommunekode text NOT NULL,
  tekst text NOT NULL,
  startdato date NOT NULL,
  maaldato date CHECK (maaldato >= startdato),
  status text NOT NULL,
  version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX delmaal_case_idx ON delmaal (case_id, seq);

-- Daily documentation, optionally on a delmål, tagged with sub-themes.
CREATE TABLE notes (
  id uuid PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  case_id uuid NOT NULL REFERENCES cases (id),
  kommunekode text NOT NULL,
  tekst text NOT NULL,
  tidspunkt timestamptz NOT NULL,
  forfatterrolle text NOT NULL,
  delmaal_id uuid REFERENCES delmaal (id),
  tags text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notes_case_idx ON notes (case_id, tidspunkt, seq);

CREATE TABLE follow_ups (
  id uuid PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  decision_id uuid NOT NULL REFERENCES decisions (id),
  case_id uuid NOT NULL REFERENCES cases (id),
  kommunekode text NOT NULL,
  opfoelgningsdato date NOT NULL,
  registered_at timestamptz NOT NULL,
  status_paa_indsats text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX follow_ups_decision_idx ON follow_ups (decision_id, seq);

-- Per goal of the decision: the new level (an A&D registration dated at the
-- follow-up) and the three assessments.
CREATE TABLE follow_up_goals (
  follow_up_id uuid NOT NULL REFERENCES follow_ups (id),
  goal_id uuid NOT NULL REFERENCES goals (id),
  kommunekode text NOT NULL,
  registration_id uuid NOT NULL REFERENCES theme_registrations (id),
  borgerens_vurdering text,
  udfoerers_vurdering text,
  sagsbehandlers_vurdering text,
  maal_opnaaet boolean NOT NULL,
  position integer NOT NULL,
  PRIMARY KEY (follow_up_id, goal_id)
);
CREATE INDEX follow_up_goals_goal_idx ON follow_up_goals (goal_id);

ALTER TABLE theme_registrations ADD COLUMN follow_up_id uuid REFERENCES follow_ups (id);
ALTER TABLE stoettebehov ADD COLUMN follow_up_id uuid REFERENCES follow_ups (id);
-- "Afslutning og visitér til ny": the decision is closed and a new one is expected.
ALTER TABLE decisions ADD COLUMN new_decision_expected boolean NOT NULL DEFAULT false;
