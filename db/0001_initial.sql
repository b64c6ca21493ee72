-- fieldapp local store, schema 1.
-- Ids are UUIDv7 text made on the device. Times are ISO 8601 UTC text; `day` columns hold the local
-- calendar day (YYYY-MM-DD) the work counts for. Money is an integer number of đồng.
-- Mutable records carry `version` (server-assigned; 0 = never synced). Facts are append-only: the
-- triggers at the end refuse UPDATE and DELETE on them.
-- Foreign keys are DEFERRABLE so that a batch (a sync page, an import) may arrive in any order.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- reference data, loaded from resources/admin_units, not synced
CREATE TABLE provinces (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE communes (
    code          TEXT PRIMARY KEY,
    province_code TEXT NOT NULL REFERENCES provinces (code),
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    name_key      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX communes_by_province ON communes (province_code, name_key);

CREATE TABLE hamlets (
    id           TEXT PRIMARY KEY,
    commune_code TEXT NOT NULL REFERENCES communes (code) DEFERRABLE INITIALLY DEFERRED,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX hamlets_by_commune ON hamlets (commune_code, name_key);

CREATE TABLE teams (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    province_code TEXT NOT NULL REFERENCES provinces (code),
    organisation  TEXT NOT NULL,
    commune_codes TEXT NOT NULL DEFAULT '[]',  -- JSON array of commune codes the team covers
    created_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE members (
    id         TEXT PRIMARY KEY,
    team_id    TEXT NOT NULL REFERENCES teams (id) DEFERRABLE INITIALLY DEFERRED,
    full_name  TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('member', 'team_leader', 'admin')),
    code       TEXT NOT NULL,
    phone      TEXT,
    pin_hash   TEXT,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX members_by_team ON members (team_id, full_name);

-- PIN failures are local to this laptop, never synced
CREATE TABLE member_locks (
    member_id    TEXT PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT
) WITHOUT ROWID;

CREATE TABLE devices (
    id          TEXT PRIMARY KEY,
    team_id     TEXT REFERENCES teams (id) DEFERRABLE INITIALLY DEFERRED,
    name        TEXT NOT NULL,
    key_id      TEXT,
    public_key  TEXT,
    enrolled_at TEXT,
    revoked_at  TEXT
);

CREATE TABLE campaigns (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    province_code TEXT NOT NULL REFERENCES provinces (code),
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL CHECK (ends_on >= starts_on),
    created_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE campaign_periods (
    id          TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id) DEFERRABLE INITIALLY DEFERRED,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL CHECK (ends_on >= starts_on),
    created_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX campaign_periods_by_campaign ON campaign_periods (campaign_id, starts_on);

CREATE TABLE targets (
    id          TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id) DEFERRABLE INITIALLY DEFERRED,
    period_id   TEXT REFERENCES campaign_periods (id) DEFERRABLE INITIALLY DEFERRED,
    scope       TEXT NOT NULL CHECK (scope IN ('province', 'commune', 'team', 'member')),
    scope_ref   TEXT NOT NULL,
    metric      TEXT NOT NULL,
    value       INTEGER NOT NULL CHECK (value >= 0),
    created_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX targets_by_campaign ON targets (campaign_id, period_id, scope, scope_ref);

CREATE TABLE sites (
    id           TEXT PRIMARY KEY,
    team_id      TEXT NOT NULL REFERENCES teams (id) DEFERRABLE INITIALLY DEFERRED,
    commune_code TEXT NOT NULL REFERENCES communes (code) DEFERRABLE INITIALLY DEFERRED,
    hamlet_id    TEXT REFERENCES hamlets (id) DEFERRABLE INITIALLY DEFERRED,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 0
);

-- the registry
CREATE TABLE households (
    id           TEXT PRIMARY KEY,
    commune_code TEXT NOT NULL REFERENCES communes (code) DEFERRABLE INITIALLY DEFERRED,
    hamlet_id    TEXT REFERENCES hamlets (id) DEFERRABLE INITIALLY DEFERRED,
    address      TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX households_by_place ON households (commune_code, hamlet_id);

CREATE TABLE persons (
    pk              INTEGER PRIMARY KEY,  -- local row number for list models and full-text search
    id              TEXT NOT NULL UNIQUE,
    full_name       TEXT NOT NULL,
    name_key        TEXT NOT NULL,        -- folded: no diacritics, lower case
    birth_date      TEXT,
    sex             TEXT CHECK (sex IN ('male', 'female')),
    citizen_id      TEXT,
    si_number       TEXT,
    phone           TEXT,
    commune_code    TEXT NOT NULL REFERENCES communes (code) DEFERRABLE INITIALLY DEFERRED,
    hamlet_id       TEXT REFERENCES hamlets (id) DEFERRABLE INITIALLY DEFERRED,
    household_id    TEXT REFERENCES households (id) DEFERRABLE INITIALLY DEFERRED,
    household_order INTEGER,
    target_group    TEXT NOT NULL,
    consent_at      TEXT,
    hi_valid_to     TEXT,
    vsi_status      TEXT NOT NULL DEFAULT 'never',
    vsi_paid_to     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX persons_by_name ON persons (name_key);
CREATE INDEX persons_by_citizen_id ON persons (citizen_id) WHERE citizen_id IS NOT NULL;
CREATE INDEX persons_by_si_number ON persons (si_number) WHERE si_number IS NOT NULL;
CREATE INDEX persons_by_phone ON persons (phone) WHERE phone IS NOT NULL;
CREATE INDEX persons_by_household ON persons (household_id, household_order);
CREATE INDEX persons_by_place ON persons (commune_code, hamlet_id);

-- the work (append-only facts)
CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    team_id     TEXT NOT NULL REFERENCES teams (id) DEFERRABLE INITIALLY DEFERRED,
    campaign_id TEXT REFERENCES campaigns (id) DEFERRABLE INITIALLY DEFERRED,
    site_id     TEXT REFERENCES sites (id) DEFERRABLE INITIALLY DEFERRED,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    held_on     TEXT NOT NULL,
    attendance  INTEGER NOT NULL CHECK (attendance >= 0),
    member_id   TEXT NOT NULL REFERENCES members (id) DEFERRABLE INITIALLY DEFERRED,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX events_by_day ON events (held_on);

CREATE TABLE consultations (
    id             TEXT PRIMARY KEY,
    person_id      TEXT REFERENCES persons (id) DEFERRABLE INITIALLY DEFERRED,
    event_id       TEXT REFERENCES events (id) DEFERRABLE INITIALLY DEFERRED,
    site_id        TEXT REFERENCES sites (id) DEFERRABLE INITIALLY DEFERRED,
    team_id        TEXT NOT NULL REFERENCES teams (id) DEFERRABLE INITIALLY DEFERRED,
    member_id      TEXT NOT NULL REFERENCES members (id) DEFERRABLE INITIALLY DEFERRED,
    at             TEXT NOT NULL,
    day            TEXT NOT NULL,
    target_group   TEXT NOT NULL,
    topics         TEXT NOT NULL DEFAULT '[]',  -- JSON array of topic codes
    outcome        TEXT NOT NULL,
    follow_up_on   TEXT,
    refusal_reason TEXT,
    note           TEXT NOT NULL DEFAULT '',
    consent        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX consultations_by_day ON consultations (day, member_id);
CREATE INDEX consultations_by_person ON consultations (person_id);

CREATE TABLE follow_ups (
    id              TEXT PRIMARY KEY,
    person_id       TEXT NOT NULL REFERENCES persons (id) DEFERRABLE INITIALLY DEFERRED,
    consultation_id TEXT REFERENCES consultations (id) DEFERRABLE INITIALLY DEFERRED,
    member_id       TEXT NOT NULL REFERENCES members (id) DEFERRABLE INITIALLY DEFERRED,
    due_on          TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    done_at         TEXT,
    created_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX follow_ups_open_by_day ON follow_ups (due_on) WHERE done_at IS NULL;

CREATE TABLE enrolments (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    person_id     TEXT NOT NULL REFERENCES persons (id) DEFERRABLE INITIALLY DEFERRED,
    household_id  TEXT REFERENCES households (id) DEFERRABLE INITIALLY DEFERRED,
    team_id       TEXT NOT NULL REFERENCES teams (id) DEFERRABLE INITIALLY DEFERRED,
    member_id     TEXT NOT NULL REFERENCES members (id) DEFERRABLE INITIALLY DEFERRED,
    event_id      TEXT REFERENCES events (id) DEFERRABLE INITIALLY DEFERRED,
    enrolled_on   TEXT NOT NULL,
    months        INTEGER NOT NULL CHECK (months > 0),
    income        INTEGER,
    start_on      TEXT NOT NULL,
    end_on        TEXT NOT NULL,
    amount        INTEGER NOT NULL CHECK (amount >= 0),
    state_support INTEGER NOT NULL DEFAULT 0,
    local_support INTEGER NOT NULL DEFAULT 0,
    sponsor       TEXT,
    rules         TEXT NOT NULL DEFAULT '[]',  -- JSON array of rule ids the quote used
    lines         TEXT NOT NULL DEFAULT '[]',  -- JSON array of {person_id, order, monthly, amount}
    created_at    TEXT NOT NULL
);
CREATE INDEX enrolments_by_day ON enrolments (enrolled_on, kind);
CREATE INDEX enrolments_by_person ON enrolments (person_id);

CREATE TABLE payments (
    id           TEXT PRIMARY KEY,
    enrolment_id TEXT NOT NULL REFERENCES enrolments (id) DEFERRABLE INITIALLY DEFERRED,
    method       TEXT NOT NULL CHECK (method IN ('cash', 'transfer')),
    amount       INTEGER NOT NULL CHECK (amount > 0),
    reference    TEXT,
    paid_at      TEXT NOT NULL,
    member_id    TEXT NOT NULL REFERENCES members (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX payments_by_enrolment ON payments (enrolment_id);

CREATE TABLE receipts (
    id         TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL UNIQUE REFERENCES payments (id) DEFERRABLE INITIALLY DEFERRED,
    series     TEXT NOT NULL,
    number     INTEGER NOT NULL CHECK (number > 0),
    amount     INTEGER NOT NULL CHECK (amount > 0),
    payer_name TEXT NOT NULL,
    issued_at  TEXT NOT NULL,
    day        TEXT NOT NULL,
    member_id  TEXT NOT NULL REFERENCES members (id) DEFERRABLE INITIALLY DEFERRED,
    qr_payload TEXT,
    UNIQUE (series, number)
);
CREATE INDEX receipts_by_day ON receipts (day, member_id);

-- the last number used in each receipt series on this laptop, bumped in the receipt's transaction
CREATE TABLE receipt_series (
    series      TEXT PRIMARY KEY,
    last_number INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE receipt_voids (
    id         TEXT PRIMARY KEY,
    receipt_id TEXT NOT NULL UNIQUE REFERENCES receipts (id) DEFERRABLE INITIALLY DEFERRED,
    reason     TEXT NOT NULL,
    member_id  TEXT NOT NULL REFERENCES members (id) DEFERRABLE INITIALLY DEFERRED,
    at         TEXT NOT NULL
);

CREATE TABLE outreach_results (
    id        TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    person_id TEXT REFERENCES persons (id) DEFERRABLE INITIALLY DEFERRED,
    event_id  TEXT REFERENCES events (id) DEFERRABLE INITIALLY DEFERRED,
    team_id   TEXT NOT NULL REFERENCES teams (id) DEFERRABLE INITIALLY DEFERRED,
    member_id TEXT NOT NULL REFERENCES members (id) DEFERRABLE INITIALLY DEFERRED,
    at        TEXT NOT NULL,
    day       TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outreach_results_by_day ON outreach_results (day, kind);

-- who did what; the local seq orders it, the id is global
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    at        TEXT NOT NULL,
    member_id TEXT,
    device_id TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT,
    detail    TEXT NOT NULL DEFAULT '{}'
);

-- every domain write puts its op here in the same transaction (sync-protocol.md)
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id        TEXT NOT NULL UNIQUE,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    op           TEXT NOT NULL CHECK (op IN ('create', 'update')),
    base_version INTEGER,
    payload      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sent', 'accepted', 'rejected', 'conflict')),
    result       TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_by_state ON outbox (state, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER consultations_no_update BEFORE UPDATE ON consultations
BEGIN SELECT RAISE(ABORT, 'consultations are append-only'); END;
CREATE TRIGGER consultations_no_delete BEFORE DELETE ON consultations
BEGIN SELECT RAISE(ABORT, 'consultations are append-only'); END;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER enrolments_no_update BEFORE UPDATE ON enrolments
BEGIN SELECT RAISE(ABORT, 'enrolments are append-only'); END;
CREATE TRIGGER enrolments_no_delete BEFORE DELETE ON enrolments
BEGIN SELECT RAISE(ABORT, 'enrolments are append-only'); END;
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments
BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END;
CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts
BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;
CREATE TRIGGER receipts_no_update BEFORE UPDATE OF id, payment_id, series, number, amount, payer_name,
    issued_at, day, member_id ON receipts
BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;
CREATE TRIGGER receipt_voids_no_update BEFORE UPDATE ON receipt_voids
BEGIN SELECT RAISE(ABORT, 'receipt voids are append-only'); END;
CREATE TRIGGER receipt_voids_no_delete BEFORE DELETE ON receipt_voids
BEGIN SELECT RAISE(ABORT, 'receipt voids are append-only'); END;
CREATE TRIGGER outreach_results_no_update BEFORE UPDATE ON outreach_results
BEGIN SELECT RAISE(ABORT, 'outreach results are append-only'); END;
CREATE TRIGGER outreach_results_no_delete BEFORE DELETE ON outreach_results
BEGIN SELECT RAISE(ABORT, 'outreach results are append-only'); END;
