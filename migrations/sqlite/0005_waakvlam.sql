-- Waakvlam follow-ups. Keep in step with migrations/postgres.
-- While a case is in waakvlam, `casusregisseur` is who makes the follow-up.
-- The follow-up ends the waakvlam (status closed); with a concern it opens
-- (or links) a case for the household: `follow_up_case_id` on the old case,
-- `follows_case_id` on the new one.

ALTER TABLE cases ADD COLUMN follow_up_at TEXT;
ALTER TABLE cases ADD COLUMN follow_up_result TEXT;
ALTER TABLE cases ADD COLUMN follow_up_case_id BIGINT;
ALTER TABLE cases ADD COLUMN follows_case_id BIGINT;
CREATE INDEX cases_waakvlam ON cases (waakvlam_until) WHERE status = 'waakvlam';
