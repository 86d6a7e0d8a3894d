-- The Wmo research term (Wmo 2015 art. 2.3.2): the day a need for
-- support was reported (melding) and the day its onderzoek was finished.
-- Keep in step with the other store's migration.

ALTER TABLE cases ADD COLUMN melding_on TEXT;
ALTER TABLE cases ADD COLUMN onderzoek_done_on TEXT;
