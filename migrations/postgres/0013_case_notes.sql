-- A procesregisseur's own notes on a case, each with an optional
-- reminder day. A note is its author's alone: read in the case's detail
-- (an audited read) by its author only; a reminder reaches the author's
-- desk through the sync without its text (a change gives the author's
-- row in people a new change number). Keep in step with the other
-- store's migration.

CREATE TABLE case_notes (
    id          BIGINT PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases (id),
    author      TEXT NOT NULL REFERENCES people (login),
    body        TEXT NOT NULL,
    remind_on   DATE,
    done        BOOLEAN NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX case_notes_author ON case_notes (author, done);
CREATE INDEX case_notes_case ON case_notes (case_id, author);
