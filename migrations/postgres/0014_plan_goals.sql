-- The plan's goals and the evaluations made of them, each case's own, as
-- JSON (as risk_flags and a request's term are): the goals without their
-- words (a goal's text, a dropped goal's reason and a "vervallen" reason
-- are history lines in case_events, read in the audited detail only).
-- Keep in step with the other store's migration.

ALTER TABLE cases ADD COLUMN goals TEXT NOT NULL DEFAULT '[]';
ALTER TABLE cases ADD COLUMN evaluations TEXT NOT NULL DEFAULT '[]';
