-- Tokens ended by `regiedesk staff revoke`: kept (as hashes) so a desk
-- still using one is told it was revoked, not that it is unknown.
CREATE TABLE revoked_tokens (
    token_hash TEXT PRIMARY KEY,
    login      TEXT NOT NULL,
    revoked_at TEXT NOT NULL
);
