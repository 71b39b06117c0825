-- Retention (README, "Retention"; src/retention/): a municipality keeps a
-- citizen's case data for a number of years after the citizen's last course
-- ended; then `npm run retention` anonymises it. Codes and dates stay, so
-- the analytics and the statistics already delivered stay the same; the
-- CPR number, the free texts, the notes and the diagnoses go.

-- Each municipality's period, in whole years; a municipality without a row
-- has the default (RETENTION_YEARS). Set with `npm run retention -- --set`.
CREATE TABLE retention_policy (
  kommunekode text PRIMARY KEY CHECK (kommunekode ~ '^[0-9]{3}$'),
  years integer NOT NULL CHECK (years BETWEEN 1 AND 100),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- An anonymised case keeps its place among the citizens the analytics
-- count (count(DISTINCT cpr)): its CPR number is replaced by a pseudonym
-- that the citizen's other anonymised cases share, drawn at random (never
-- derived from the CPR number) and of a form no CPR number has.
ALTER TABLE cases ADD COLUMN anonymised_at timestamptz;
ALTER TABLE cases DROP CONSTRAINT cases_cpr_check;
ALTER TABLE cases ADD CONSTRAINT cases_cpr_check CHECK (
  (anonymised_at IS NULL AND cpr ~ '^[0-9]{10}$') OR (anonymised_at IS NOT NULL AND cpr ~ '^anon-[0-9a-f]{32}$'));

-- An anonymised case never changes again, nor does anything on it: every
-- table of a case's records refuses a new or changed row of an anonymised
-- case (the API answers 409 `anonymised`). The lock on the case row is the
-- one a foreign key check takes, so a change racing the anonymisation waits
-- for it and is then refused.
CREATE FUNCTION refuse_change_of_anonymised_case() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner uuid;
  anonymised timestamptz;
BEGIN
  IF TG_ARGV[0] = 'case' THEN
    owner := NEW.case_id;
  ELSIF TG_ARGV[0] = 'decision' THEN
    SELECT d.case_id INTO owner FROM decisions d WHERE d.id = NEW.decision_id;
  ELSIF TG_ARGV[0] = 'intervention' THEN
    SELECT d.case_id INTO owner FROM interventions i JOIN decisions d ON d.id = i.decision_id WHERE i.id = NEW.intervention_id;
  ELSIF TG_ARGV[0] = 'follow-up' THEN
    SELECT f.case_id INTO owner FROM follow_ups f WHERE f.id = NEW.follow_up_id;
  END IF;
  SELECT c.anonymised_at INTO anonymised FROM cases c WHERE c.id = owner FOR KEY SHARE;
  IF anonymised IS NOT NULL THEN
    RAISE EXCEPTION 'Case % was anonymised at % under its municipality''s retention policy: it can no longer change', owner,
      to_char(anonymised AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
      USING ERRCODE = 'FFB01';
  END IF;
  RETURN NEW;
END
$$;

CREATE FUNCTION refuse_change_of_anonymised_case_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'Case % was anonymised at % under its municipality''s retention policy: it can no longer change', OLD.id,
    to_char(OLD.anonymised_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
    USING ERRCODE = 'FFB01';
END
$$;
CREATE TRIGGER cases_anonymised_no_change BEFORE UPDATE ON cases
  FOR EACH ROW WHEN (OLD.anonymised_at IS NOT NULL) EXECUTE FUNCTION refuse_change_of_anonymised_case_row();

CREATE TRIGGER theme_registrations_anonymised BEFORE INSERT OR UPDATE ON theme_registrations
  FOR EACH ROW EXECUTE FUNCTION refuse_change_of_anonymised_case('case');
CREATE TRIGGER assessments_anonymised BEFORE INSERT OR UPDATE ON assessments
  FOR EACH ROW EXECUTE FUNCTION refuse_change_of_anonymised_case('case');
CREATE TRIGGER goals_anonymised BEFORE INSERT OR UPDATE ON goals
  FOR EACH ROW EXECUTE FUNCTION refuse_change_of_anonymised_case('case');
CREATE TRIGGER decisions_anonymised BEFORE INSERT OR UPDATE ON decisions
  FOR EACH ROW EXECUTE FUNCTION refuse_change_of_anonymised_case('case');
CREATE TRIGGER delmaal_anonymised BEFORE INSERT OR UPDATE ON delmaal
  FOR EACH ROW EXECUTE FUNCTION refuse_change_of_anonymised_case('case');
CREATE TRIGGER notes_anonymised BEFORE INSERT OR UPDATE ON notes
  FOR EACH ROW EXECUTE FUNCTION refuse_change_of_anonymised_case('case');
CREATE TRIGGER follow_ups_anonymised BEFORE INSERT OR UPDATE ON follow_ups
  FOR EACH ROW EXECUTE FUNCTION refuse_change_of_anonymised_case('case');
CREATE TRIGGER decision_goals_anonymised BEFORE INSERT OR UPDATE ON decision_goals
  FOR EACH ROW EXECUTE FUNCTION refuse_change_of_anonymised_case('decision');
CREATE TRIGGER stoettebehov_anonymised BEFORE INSERT OR UPDATE ON stoettebehov
  FOR EACH ROW EXECUTE FUNCTION refuse_change_of_anonymised_case('decision');
CREATE TRIGGER interventions_anonymised BEFORE INSERT OR UPDATE ON interventions
  FOR EACH ROW EXECUTE FUNCTION refuse_change_of_anonymised_case('decision');
CREATE TRIGGER intervention_ydelser_anonymised BEFORE INSERT OR UPDATE ON intervention_ydelser
  FOR EACH ROW EXECUTE FUNCTION refuse_change_of_anonymised_case('intervention');
CREATE TRIGGER follow_up_goals_anonymised BEFORE INSERT OR UPDATE ON follow_up_goals
  FOR EACH ROW EXECUTE FUNCTION refuse_change_of_anonymised_case('follow-up');
