-- Premium rules that travel as data (issue 14, docs/sync-api.md "Rules"). Each rule file the province's
-- server signed, as it came (at a sync or in an answer bundle), once its signature verified against the
-- server's sign key this laptop holds. Files are never deleted or changed here: the premium rules merge them
-- by their issue date, so an older file that comes later never takes the place of a newer rule.
CREATE TABLE rule_files (
    sha256      TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,   -- national | province
    province    TEXT,            -- a province file's province
    version     TEXT NOT NULL,
    issued      TEXT NOT NULL,
    body        TEXT NOT NULL,   -- the file (UTF-8 TOML), as signed
    signature   TEXT NOT NULL,   -- hex Ed25519 by the server's sign key
    key_id      TEXT NOT NULL,
    received_at TEXT NOT NULL,
    via         TEXT NOT NULL    -- sync | bundle
) WITHOUT ROWID;
