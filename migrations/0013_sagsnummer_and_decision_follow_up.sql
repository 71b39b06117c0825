-- The municipality's own sagsnummer on a case (its case management system's
-- number, e.g. "Sag154689"), and a decision's own agreed follow-up date.

-- Optional: trimmed, 1–64 printable characters, unique within a
-- municipality (a partial index: any number of cases have none).
-- `sagsnummer_changed_at` is when it was set or changed after the case was
-- opened (null: as opened), so the FHIR delivery sends the ServiceRequest
-- and CarePlans that carry it again.
ALTER TABLE cases
  ADD COLUMN sagsnummer text CHECK (char_length(sagsnummer) BETWEEN 1 AND 64 AND sagsnummer = btrim(sagsnummer) AND sagsnummer !~ '[[:cntrl:]]'),
  ADD COLUMN sagsnummer_changed_at timestamptz;
CREATE UNIQUE INDEX cases_sagsnummer_key ON cases (kommunekode, sagsnummer) WHERE sagsnummer IS NOT NULL;

-- The follow-up agreed for the decision's course itself ("De aftaler
-- opfølgning d. 1.6.2023"), so a course without goals has one too; not
-- before the afgørelsesdato.
ALTER TABLE decisions
  ADD COLUMN opfoelgningsdato date,
  ADD CONSTRAINT decisions_opfoelgningsdato_check CHECK (opfoelgningsdato >= afgoerelsesdato);
