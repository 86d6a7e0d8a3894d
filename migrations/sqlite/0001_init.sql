-- regiedesk schema, SQLite. Keep in step with migrations/postgres.
-- Timestamps are UTC text written by sqlx; ids come from `counters`, so
-- both stores number things the same way.

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE people (
    login        TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    role         TEXT NOT NULL,
    organisation TEXT NOT NULL,
    specialism   TEXT,
    capacity     BIGINT,
    active       BOOLEAN NOT NULL,
    seq          BIGINT NOT NULL
);
CREATE INDEX people_seq ON people (seq);

-- API tokens, stored as SHA-256 hashes only.
CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    login      TEXT NOT NULL REFERENCES people (login)
);

CREATE TABLE households (
    id        BIGINT PRIMARY KEY,
    pseudonym TEXT NOT NULL UNIQUE,
    members   BIGINT NOT NULL CHECK (members >= 1)
);

CREATE TABLE cases (
    id                   BIGINT PRIMARY KEY,
    number               TEXT NOT NULL UNIQUE,
    household_id         BIGINT NOT NULL REFERENCES households (id),
    domain               TEXT NOT NULL,
    status               TEXT NOT NULL,
    source               TEXT NOT NULL,
    casusregisseur       TEXT REFERENCES people (login),
    organisation         TEXT,
    referred_at          TEXT NOT NULL,
    assigned_at          TEXT,
    first_contact_at     TEXT,
    first_contact_due_at TEXT,
    plan_at              TEXT,
    last_activity_at     TEXT NOT NULL,
    closed_at            TEXT,
    close_result         TEXT,
    waakvlam_until       TEXT,
    risk_flags           TEXT NOT NULL,
    escalated            BOOLEAN NOT NULL,
    escalated_at         TEXT,
    escalated_by         TEXT,
    escalation_reason    TEXT,
    taken_over           BOOLEAN NOT NULL,
    stuck_reported       BOOLEAN NOT NULL,
    stuck_reported_at    TEXT,
    version              BIGINT NOT NULL,
    seq                  BIGINT NOT NULL,
    -- 1 gezin, 1 plan, 1 regisseur: an open case is either explicitly
    -- unassigned (referred) or has exactly one casusregisseur.
    CHECK (status IN ('closed', 'waakvlam') OR ((status = 'referred') = (casusregisseur IS NULL))),
    CHECK ((closed_at IS NULL) = (status NOT IN ('closed', 'waakvlam')))
);
-- A household has at most one open case.
CREATE UNIQUE INDEX cases_one_open_case_per_household ON cases (household_id) WHERE closed_at IS NULL;
CREATE INDEX cases_seq ON cases (seq);
CREATE INDEX cases_casusregisseur ON cases (casusregisseur, seq);

CREATE TABLE requests (
    id          BIGINT PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    case_id     BIGINT NOT NULL REFERENCES cases (id),
    kind        TEXT NOT NULL,
    provision   TEXT NOT NULL,
    motivation  TEXT NOT NULL,
    in_plan     BOOLEAN NOT NULL,
    filed_by    TEXT NOT NULL,
    filed_at    TEXT NOT NULL,
    decide_by   TEXT NOT NULL,
    status      TEXT NOT NULL,
    decided_by  TEXT,
    decided_at  TEXT,
    reason      TEXT,
    version     BIGINT NOT NULL,
    seq         BIGINT NOT NULL
);
CREATE INDEX requests_seq ON requests (seq);
CREATE INDEX requests_case ON requests (case_id);

CREATE TABLE case_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id    BIGINT NOT NULL REFERENCES cases (id),
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    note       TEXT,
    request_id BIGINT
);
CREATE INDEX case_events_case ON case_events (case_id, id);

-- A case left a casusregisseur's scope (reassigned, taken over): their
-- next sync must tell them to drop it.
CREATE TABLE scope_revocations (
    seq     BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL,
    login   TEXT NOT NULL
);
CREATE INDEX scope_revocations_login ON scope_revocations (login, seq);

-- NEN 7513 audit log: append-only, each entry hashes its predecessor.
CREATE TABLE audit_log (
    seq          BIGINT PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    actor_role   TEXT NOT NULL,
    on_behalf_of TEXT NOT NULL,
    case_id      BIGINT,
    request_id   BIGINT,
    action       TEXT NOT NULL,
    result       TEXT NOT NULL,
    reason       TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_log_case ON audit_log (case_id, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
