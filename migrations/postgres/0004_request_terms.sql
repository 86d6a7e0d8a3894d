-- What moved a request's decision term (Awb 4:14, 4:15, 4:17): its
-- suspensions, its one extension and the notice of default, as the JSON of
-- `domain::term::DecisionTerm`. Nothing queries inside it; `decide_by`
-- stays a column of its own and is the result. Keep in step with the
-- other store's migration.

ALTER TABLE requests ADD COLUMN term TEXT NOT NULL DEFAULT '{}';
