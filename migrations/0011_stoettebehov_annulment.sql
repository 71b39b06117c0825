-- A støttebehov recorded by a follow-up is annulled with its follow-up (and
-- every støttebehov with its decision): it carries the same annulment marks.
ALTER TABLE stoettebehov
  ADD COLUMN annulled_at timestamptz, ADD COLUMN annulled_reason text, ADD COLUMN annulled_comment text;
