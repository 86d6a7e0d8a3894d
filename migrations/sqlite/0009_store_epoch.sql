-- The database's epoch: set when the store is created, and anew by
-- `regiedesk restore-mark` after a restore. Sync cursors carry it, so a
-- cursor handed out by another database (or before a restore) is noticed.
INSERT INTO meta (key, value) VALUES ('epoch', lower(hex(randomblob(6))));
