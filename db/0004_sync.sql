-- Sync with the central server (issue 6, docs/sync-api.md). The server URL, device token, pull cursor and
-- last good sync live in `meta` (the encrypted store, never a file); these tables hold what a sync leaves
-- for a person to decide, and what it could not apply yet.

-- Two laptops changed the same record: both versions kept until a member picks field by field. `ours` is
-- the local record as the member left it; `theirs` the server's, at `their_version` (refreshed by pulls
-- while the conflict is open, so the resolution goes out on the latest base version).
CREATE TABLE sync_conflicts (
    id            INTEGER PRIMARY KEY,
    entity        TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    ours          TEXT NOT NULL,
    theirs        TEXT NOT NULL,
    base_version  INTEGER,
    their_version INTEGER NOT NULL,
    op_id         TEXT,
    at            TEXT NOT NULL,
    resolved_at   TEXT,
    resolution    TEXT  -- the op id of the update that settled it ('' when theirs was taken as it was)
);
CREATE UNIQUE INDEX sync_conflicts_open ON sync_conflicts (entity, entity_id) WHERE resolved_at IS NULL;

-- A pulled record the laptop has changed and not pushed yet is not overwritten: the server's version
-- waits here (it becomes `theirs` if the push meets a conflict).
CREATE TABLE sync_held (
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version   INTEGER,
    record    TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id)
) WITHOUT ROWID;

-- A pulled record that names a parent this laptop does not have yet (the feed gives each record once,
-- at its latest position, so a parent edited later comes after its children): applied with it.
CREATE TABLE sync_parked (
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version   INTEGER,
    record    TEXT NOT NULL,
    pos       INTEGER NOT NULL,
    PRIMARY KEY (entity, entity_id)
) WITHOUT ROWID;

-- People pulled from other laptops who look like somebody already here (same citizen ID, or same name,
-- birth date and commune): shown as merge candidates, never merged automatically.
CREATE TABLE merge_candidates (
    id          INTEGER PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES persons (id) DEFERRABLE INITIALLY DEFERRED,
    other_id    TEXT NOT NULL REFERENCES persons (id) DEFERRABLE INITIALLY DEFERRED,
    reason      TEXT NOT NULL CHECK (reason IN ('citizen_id', 'name_birth_commune')),
    at          TEXT NOT NULL,
    settled_at  TEXT,
    UNIQUE (person_id, other_id)
);

-- Pull asks, page by page, which of its records have an op waiting; push, which records have one.
CREATE INDEX outbox_by_entity ON outbox (entity_id, state);
