-- With a ZGW source: which zaak of the case system each case and request
-- projects, and what the flat lists last showed of it (the reconciler
-- reads a zaak again when that changes). Keep in step with the other
-- store's migration.

CREATE TABLE zgw_zaken (
    url         TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('case', 'request')),
    local_id    BIGINT NOT NULL,
    fingerprint TEXT NOT NULL
);
CREATE UNIQUE INDEX zgw_zaken_local ON zgw_zaken (kind, local_id);
