-- A history line says from whom to whom a case went (assigned, reassigned,
-- taken over) and what was decided on a request; the note of a decision
-- holds only the reason. Keep in step with migrations/postgres.
-- `from` and `to` are SQL keywords, hence the `_login` suffix.

ALTER TABLE case_events ADD COLUMN from_login TEXT;
ALTER TABLE case_events ADD COLUMN to_login TEXT;
ALTER TABLE case_events ADD COLUMN decision TEXT;
