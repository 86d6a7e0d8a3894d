-- A history line says from whom to whom a case went (assigned, reassigned,
-- taken over) and what was decided on a request; the note of a decision
-- holds only the reason. Keep in step with migrations/sqlite.
-- `from` and `to` are SQL keywords, hence the `_login` suffix.

ALTER TABLE case_events ADD COLUMN from_login TEXT;
ALTER TABLE case_events ADD COLUMN to_login TEXT;
ALTER TABLE case_events ADD COLUMN decision TEXT;

-- Lines written before this migration kept the outcome in the note
-- ("approved: reason", "rejected"); move it to `decision`.
UPDATE case_events
SET decision = CASE WHEN note LIKE 'approved%' THEN 'approve' ELSE 'reject' END,
    note = CASE
        WHEN note LIKE 'approved: %' OR note LIKE 'rejected: %' THEN substr(note, 11)
    END
WHERE kind = 'request_decided'
  AND (note = 'approved' OR note = 'rejected'
       OR note LIKE 'approved: %' OR note LIKE 'rejected: %');
