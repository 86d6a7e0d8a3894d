-- With a ZGW source: commands written to the case system and not yet
-- read back. A command is entered here before its first write and
-- settled by the projection that shows it written, in that projection's
-- transaction; an entry a crash or an unanswering case system left
-- behind is completed (see zgw::source::pending), with the person who
-- gave the command and their reason. Keep in step with the other store's
-- migration.

CREATE TABLE zgw_pending (
    id         BIGINT PRIMARY KEY,
    case_url   TEXT NOT NULL,
    command    TEXT NOT NULL,
    entered_at TEXT NOT NULL
);
CREATE INDEX zgw_pending_case ON zgw_pending (case_url);
