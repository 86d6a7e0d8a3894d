-- A casusregisseur away from work: a period, nothing more (why someone
-- is away is not regiedesk's business). Cases moved to someone else for
-- the time of a temporary absence are listed in absence_moves, so the
-- desk can propose moving them back on the return date. Changing an
-- absence or its moves gives its person's row a new change number, so
-- the desks' sync carries it. Keep in step with the other store's
-- migration.

CREATE TABLE absences (
    id          BIGINT PRIMARY KEY,
    login       TEXT NOT NULL REFERENCES people (login),
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    temporary   BOOLEAN NOT NULL,
    settled     BOOLEAN NOT NULL,
    withdrawn   BOOLEAN NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX absences_login ON absences (login);

CREATE TABLE absence_moves (
    absence_id  BIGINT NOT NULL REFERENCES absences (id),
    case_id     BIGINT NOT NULL REFERENCES cases (id),
    to_login    TEXT NOT NULL,
    PRIMARY KEY (absence_id, case_id)
);
