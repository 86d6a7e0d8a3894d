-- With a ZGW source: the order of a case zaak among a household's open
-- zaken (its registratiedatum, then its identificatie). A household has
-- one open case in regiedesk; when the case system holds two, the later
-- one lives under `H-…-2`, whichever of the two was projected first, so a
-- store rebuilt from the case system gives the same answer as the live
-- one. Keep in step with the other store's migration.

ALTER TABLE zgw_zaken ADD COLUMN zaak_order TEXT NOT NULL DEFAULT '';
