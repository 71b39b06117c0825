-- VUM phases 3-5: the assessment, structured goals (indsatsmål), the
-- decision (sagsafgørelse) with its støttebehov and målgrupper, and the
-- ordered social intervention (social indsats).

-- One assessment per case, versioned (ETag / If-Match).
CREATE TABLE assessments (
  case_id uuid PRIMARY KEY REFERENCES cases (id),
  kommunekode text NOT NULL,
  samlet_vurdering text,
  indsatsformaal text,
  version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE goals (
  id uuid PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  case_id uuid NOT NULL REFERENCES cases (id),
  kommunekode text NOT NULL,
  maalformulering text NOT NULL,
  maaltype text NOT NULL,
  primaert_undertema text NOT NULL,
  -- The A&D registration the current level was taken from.
  aktuel_registration_id uuid NOT NULL REFERENCES theme_registrations (id),
  forventet_funktionsevneniveau text NOT NULL,
  opfoelgningsdato date NOT NULL,
  ansvarlig_for_opfoelgning text NOT NULL,
  relaterede_undertemaer text[] NOT NULL DEFAULT '{}',
  registered_at timestamptz NOT NULL,
  catalog_version text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX goals_case_idx ON goals (case_id, seq);

CREATE TABLE decisions (
  id uuid PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  case_id uuid NOT NULL REFERENCES cases (id),
  kommunekode text NOT NULL,
  -- Chosen by the vendor system, or our id; unique per municipality.
  sagsafgoerelses_id text NOT NULL,
  afgoerelsesdato date NOT NULL,
  primaer_maalgruppe text NOT NULL,
  oevrige_maalgrupper text[] NOT NULL DEFAULT '{}',
  maalgrupper_registered_at timestamptz NOT NULL,
  catalog_version text NOT NULL,
  -- Set when a follow-up ends the intervention.
  closed_at date,
  created_at timestamptz NOT NULL DEFAULT now(),
  changed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT decisions_sagsafgoerelses_id_key UNIQUE (kommunekode, sagsafgoerelses_id)
);
CREATE INDEX decisions_case_idx ON decisions (case_id, seq);
CREATE INDEX decisions_kommunekode_idx ON decisions (kommunekode, seq);

CREATE TABLE decision_goals (
  decision_id uuid NOT NULL REFERENCES decisions (id),
  goal_id uuid NOT NULL REFERENCES goals (id),
  position integer NOT NULL,
  PRIMARY KEY (decision_id, goal_id)
);

-- One støttebehov when the decision is made; a new one at every follow-up.
CREATE TABLE stoettebehov (
  id uuid PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  decision_id uuid NOT NULL REFERENCES decisions (id),
  kommunekode text NOT NULL,
  code text NOT NULL,
  begrundelse text NOT NULL,
  registered_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stoettebehov_decision_idx ON stoettebehov (decision_id, registered_at, seq);

-- A social intervention: one udførende tilbud, one or more ydelser, and the
-- provider by P-nummer or by CVR with name, address and postnummer.
CREATE TABLE interventions (
  id uuid PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  decision_id uuid NOT NULL REFERENCES decisions (id),
  kommunekode text NOT NULL,
  tilbud text NOT NULL,
  tilbud_registered_at timestamptz NOT NULL,
  p_nummer text CHECK (p_nummer ~ '^[0-9]{10}$'),
  cvr text CHECK (cvr ~ '^[0-9]{8}$'),
  navn text,
  adresse text,
  postnummer text CHECK (postnummer ~ '^[0-9]{4}$'),
  bevillingsdato date NOT NULL,
  catalog_version text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT interventions_provider_check CHECK (
    p_nummer IS NOT NULL OR (cvr IS NOT NULL AND navn IS NOT NULL AND adresse IS NOT NULL AND postnummer IS NOT NULL))
);
CREATE INDEX interventions_decision_idx ON interventions (decision_id, seq);

CREATE TABLE intervention_ydelser (
  id uuid PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  intervention_id uuid NOT NULL REFERENCES interventions (id),
  kommunekode text NOT NULL,
  code text NOT NULL,
  startdato date NOT NULL,
  slutdato date CHECK (slutdato >= startdato),
  registered_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX intervention_ydelser_intervention_idx ON intervention_ydelser (intervention_id, seq);
