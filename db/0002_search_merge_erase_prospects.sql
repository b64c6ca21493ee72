-- Search as you type over the registry (issue 4): a full-text index of each person's folded name
-- (no diacritics, lower case), kept in step by triggers. Places are searched through the small hamlets
-- table instead: a place column here made every name query read the place words of half the people.
-- The prefix indexes make the one-to-three-letter prefixes typed first fast.

CREATE VIRTUAL TABLE person_names USING fts5(
    name,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

INSERT INTO person_names (rowid, name) SELECT pk, name_key FROM persons;

-- A bulk load (an import, demo data) sets meta 'bulk_persons' inside its transaction and indexes the new
-- rows in one INSERT .. SELECT afterwards: the per-row trigger costs ten times more (25 against 2 µs).
CREATE TRIGGER persons_names_insert AFTER INSERT ON persons
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk_persons')
BEGIN
    INSERT INTO person_names (rowid, name) VALUES (new.pk, new.name_key);
END;

CREATE TRIGGER persons_names_update AFTER UPDATE OF name_key ON persons
BEGIN
    DELETE FROM person_names WHERE rowid = old.pk;
    INSERT INTO person_names (rowid, name) VALUES (new.pk, new.name_key);
END;

CREATE TRIGGER persons_names_delete AFTER DELETE ON persons
BEGIN
    DELETE FROM person_names WHERE rowid = old.pk;
END;

-- the people of a hamlet, household by household (visit lists, and searching by hamlet); it replaces
-- the (commune, hamlet) index nothing asks for, which slowed every insert into the registry
CREATE INDEX persons_by_hamlet ON persons (hamlet_id, household_id, household_order);
DROP INDEX persons_by_place;

-- Duplicates merged by a person (never automatically): the merged record points at the one kept.
ALTER TABLE persons ADD COLUMN merged_into TEXT REFERENCES persons (id) DEFERRABLE INITIALLY DEFERRED;
-- Personal data erased on request (Law 91/2025): the row stays for the facts that refer to it, emptied.
ALTER TABLE persons ADD COLUMN erased_at TEXT;

CREATE TABLE person_merges (
    id        TEXT PRIMARY KEY,
    kept_id   TEXT NOT NULL REFERENCES persons (id) DEFERRABLE INITIALLY DEFERRED,
    merged_id TEXT NOT NULL UNIQUE REFERENCES persons (id) DEFERRABLE INITIALLY DEFERRED,
    member_id TEXT NOT NULL REFERENCES members (id) DEFERRABLE INITIALLY DEFERRED,
    at        TEXT NOT NULL,
    CHECK (kept_id <> merged_id)
);

-- Prospect lists a commune or the city sent (people without insurance to visit), and who is on them.
CREATE TABLE prospect_lists (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    file_sha256  TEXT NOT NULL,
    rows         INTEGER NOT NULL,
    imported     INTEGER NOT NULL,
    duplicates   INTEGER NOT NULL,
    rejected     INTEGER NOT NULL,
    member_id    TEXT REFERENCES members (id) DEFERRABLE INITIALLY DEFERRED,
    at           TEXT NOT NULL
);
CREATE INDEX prospect_lists_by_file ON prospect_lists (file_sha256);

CREATE TABLE prospects (
    id         TEXT PRIMARY KEY,
    list_id    TEXT NOT NULL REFERENCES prospect_lists (id) DEFERRABLE INITIALLY DEFERRED,
    person_id  TEXT NOT NULL REFERENCES persons (id) DEFERRABLE INITIALLY DEFERRED,
    row_number INTEGER NOT NULL,
    UNIQUE (list_id, person_id)
);
CREATE INDEX prospects_by_person ON prospects (person_id);

-- Erasing a person's data may blank the free text of their consultations and nothing else.
DROP TRIGGER consultations_no_update;
CREATE TRIGGER consultations_no_update BEFORE UPDATE OF id, person_id, event_id, site_id, team_id, member_id,
    at, day, target_group, topics, outcome, follow_up_on, consent ON consultations
BEGIN SELECT RAISE(ABORT, 'consultations are append-only'); END;
CREATE TRIGGER consultations_only_erase BEFORE UPDATE OF note, refusal_reason ON consultations
WHEN new.note <> '' OR new.refusal_reason IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'consultations are append-only'); END;

-- The outbox learns a third kind of op: the erasure of a person's data, carried by sync.
CREATE TABLE outbox_new (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id        TEXT NOT NULL UNIQUE,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    op           TEXT NOT NULL CHECK (op IN ('create', 'update', 'erase')),
    base_version INTEGER,
    payload      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sent', 'accepted', 'rejected', 'conflict')),
    result       TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0
);
INSERT INTO outbox_new SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_by_state ON outbox (state, seq);
