-- A static token is a person's or a service account's (an export job).
-- With `[auth] static_tokens = "service-only"` people log in through the
-- municipality's identity provider and only service tokens still open the API.
ALTER TABLE tokens ADD COLUMN service BOOLEAN NOT NULL DEFAULT FALSE;
