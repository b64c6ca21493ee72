-- Tallies and closing the day (issue 7).
--
-- `tallies` is a rollup the triggers below keep up to date as facts are inserted (here or by a sync
-- pull): for each team, day, breakdown (`dim`: member, site, commune, group) and key, the count `n` and
-- the money `amount` of each metric. A period's tallies then read a few thousand rows instead of
-- scanning a million consultations. It is derived data: never synced, rebuilt from the facts by
-- `fieldapp.storage.tallies.rebuild`.
-- The team is the one the fact names (where the work was done), so a member who moved between teams
-- mid-campaign counts for each team with the work done there.
-- Keys: site = the site id, or 'e:<event id>' for an event without a site, '' for neither; commune = the
-- person's commune, else the site's, '' when unknown; group = the person's (consultation's) target group.
-- Voids are counted on the Vietnamese day they were made (a correction on that day), as metric
-- 'collected' with negative values and as metric 'voids'.

CREATE TABLE tallies (
    team_id TEXT NOT NULL,
    day     TEXT NOT NULL,
    dim     TEXT NOT NULL CHECK (dim IN ('member', 'site', 'commune', 'group')),
    key     TEXT NOT NULL,
    metric  TEXT NOT NULL,
    n       INTEGER NOT NULL DEFAULT 0,
    amount  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (team_id, day, dim, key, metric)
) WITHOUT ROWID;
CREATE INDEX tallies_by_day ON tallies (day, dim);

-- One row per fact, with its breakdown keys: what the triggers and the rebuild add up.
CREATE VIEW tally_facts AS
SELECT 'c' AS src, c.id AS src_id, c.team_id, c.day, c.member_id,
       coalesce(c.site_id, ev.site_id, CASE WHEN c.event_id IS NOT NULL THEN 'e:' || c.event_id END, '') AS site_key,
       coalesce(p.commune_code, s.commune_code, '') AS commune, c.target_group AS grp,
       'consultations' AS metric, 1 AS n, 0 AS amount
FROM consultations c
LEFT JOIN events ev ON ev.id = c.event_id
LEFT JOIN sites s ON s.id = coalesce(c.site_id, ev.site_id)
LEFT JOIN persons p ON p.id = c.person_id
UNION ALL
SELECT 'e', e.id, e.team_id, e.enrolled_on, e.member_id,
       coalesce(ev.site_id, CASE WHEN e.event_id IS NOT NULL THEN 'e:' || e.event_id END, ''),
       coalesce(p.commune_code, s.commune_code, ''), coalesce(p.target_group, ''),
       CASE e.kind WHEN 'vsi' THEN 'new_vsi' WHEN 'household_hi' THEN 'new_hi'
                   WHEN 'donated_hi' THEN 'donated_cards' ELSE 'donated_books' END,
       json_array_length(e.lines), e.amount
FROM enrolments e
LEFT JOIN events ev ON ev.id = e.event_id
LEFT JOIN sites s ON s.id = ev.site_id
LEFT JOIN persons p ON p.id = e.person_id
UNION ALL
SELECT 'v', ev.id, ev.team_id, ev.held_on, ev.member_id, coalesce(ev.site_id, 'e:' || ev.id),
       coalesce(s.commune_code, ''), '', 'events', 1, 0
FROM events ev LEFT JOIN sites s ON s.id = ev.site_id
UNION ALL
SELECT 'a', ev.id, ev.team_id, ev.held_on, ev.member_id, coalesce(ev.site_id, 'e:' || ev.id),
       coalesce(s.commune_code, ''), '', 'attendance', ev.attendance, 0
FROM events ev LEFT JOIN sites s ON s.id = ev.site_id
UNION ALL
SELECT 'o', o.id, o.team_id, o.day, o.member_id,
       coalesce(ev.site_id, CASE WHEN o.event_id IS NOT NULL THEN 'e:' || o.event_id END, ''),
       coalesce(p.commune_code, s.commune_code, ''), coalesce(p.target_group, ''),
       CASE o.kind WHEN 'vssid_install' THEN 'vssid_installs' ELSE o.kind END, 1, 0
FROM outreach_results o
LEFT JOIN events ev ON ev.id = o.event_id
LEFT JOIN sites s ON s.id = ev.site_id
LEFT JOIN persons p ON p.id = o.person_id
UNION ALL
SELECT 'r', r.id, coalesce(e.team_id, m.team_id, ''), r.day, r.member_id,
       coalesce(ev.site_id, CASE WHEN e.event_id IS NOT NULL THEN 'e:' || e.event_id END, ''),
       coalesce(p.commune_code, s.commune_code, ''), coalesce(p.target_group, ''), 'collected', 1, r.amount
FROM receipts r
LEFT JOIN members m ON m.id = r.member_id
LEFT JOIN payments pay ON pay.id = r.payment_id
LEFT JOIN enrolments e ON e.id = pay.enrolment_id
LEFT JOIN events ev ON ev.id = e.event_id
LEFT JOIN sites s ON s.id = ev.site_id
LEFT JOIN persons p ON p.id = e.person_id
UNION ALL
SELECT 'x', v.id, coalesce(e.team_id, m.team_id, ''), date(v.at, '+7 hours'), r.member_id,
       coalesce(ev.site_id, CASE WHEN e.event_id IS NOT NULL THEN 'e:' || e.event_id END, ''),
       coalesce(p.commune_code, s.commune_code, ''), coalesce(p.target_group, ''), 'collected', -1, -r.amount
FROM receipt_voids v
JOIN receipts r ON r.id = v.receipt_id
LEFT JOIN members m ON m.id = r.member_id
LEFT JOIN payments pay ON pay.id = r.payment_id
LEFT JOIN enrolments e ON e.id = pay.enrolment_id
LEFT JOIN events ev ON ev.id = e.event_id
LEFT JOIN sites s ON s.id = ev.site_id
LEFT JOIN persons p ON p.id = e.person_id
UNION ALL
SELECT 'y', v.id, coalesce(e.team_id, m.team_id, ''), date(v.at, '+7 hours'), r.member_id,
       coalesce(ev.site_id, CASE WHEN e.event_id IS NOT NULL THEN 'e:' || e.event_id END, ''),
       coalesce(p.commune_code, s.commune_code, ''), coalesce(p.target_group, ''), 'voids', 1, r.amount
FROM receipt_voids v
JOIN receipts r ON r.id = v.receipt_id
LEFT JOIN members m ON m.id = r.member_id
LEFT JOIN payments pay ON pay.id = r.payment_id
LEFT JOIN enrolments e ON e.id = pay.enrolment_id
LEFT JOIN events ev ON ev.id = e.event_id
LEFT JOIN sites s ON s.id = ev.site_id
LEFT JOIN persons p ON p.id = e.person_id;

CREATE VIEW tally_dims AS
SELECT 'member' AS dim UNION ALL SELECT 'site' UNION ALL SELECT 'commune' UNION ALL SELECT 'group';

INSERT INTO tallies (team_id, day, dim, key, metric, n, amount)
SELECT f.team_id, f.day, d.dim,
       CASE d.dim WHEN 'member' THEN f.member_id WHEN 'site' THEN f.site_key
                  WHEN 'commune' THEN f.commune ELSE f.grp END,
       f.metric, sum(f.n), sum(f.amount)
FROM tally_facts f CROSS JOIN tally_dims d
GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER tallies_consultation AFTER INSERT ON consultations
BEGIN
    INSERT INTO tallies (team_id, day, dim, key, metric, n, amount)
    SELECT f.team_id, f.day, d.dim,
           CASE d.dim WHEN 'member' THEN f.member_id WHEN 'site' THEN f.site_key
                      WHEN 'commune' THEN f.commune ELSE f.grp END,
           f.metric, f.n, f.amount
    FROM tally_facts f CROSS JOIN tally_dims d WHERE f.src = 'c' AND f.src_id = NEW.id
    ON CONFLICT (team_id, day, dim, key, metric) DO UPDATE SET n = n + excluded.n, amount = amount + excluded.amount;
END;

CREATE TRIGGER tallies_enrolment AFTER INSERT ON enrolments
BEGIN
    INSERT INTO tallies (team_id, day, dim, key, metric, n, amount)
    SELECT f.team_id, f.day, d.dim,
           CASE d.dim WHEN 'member' THEN f.member_id WHEN 'site' THEN f.site_key
                      WHEN 'commune' THEN f.commune ELSE f.grp END,
           f.metric, f.n, f.amount
    FROM tally_facts f CROSS JOIN tally_dims d WHERE f.src = 'e' AND f.src_id = NEW.id
    ON CONFLICT (team_id, day, dim, key, metric) DO UPDATE SET n = n + excluded.n, amount = amount + excluded.amount;
END;

CREATE TRIGGER tallies_event AFTER INSERT ON events
BEGIN
    INSERT INTO tallies (team_id, day, dim, key, metric, n, amount)
    SELECT f.team_id, f.day, d.dim,
           CASE d.dim WHEN 'member' THEN f.member_id WHEN 'site' THEN f.site_key
                      WHEN 'commune' THEN f.commune ELSE f.grp END,
           f.metric, f.n, f.amount
    FROM tally_facts f CROSS JOIN tally_dims d WHERE f.src IN ('v', 'a') AND f.src_id = NEW.id
    ON CONFLICT (team_id, day, dim, key, metric) DO UPDATE SET n = n + excluded.n, amount = amount + excluded.amount;
END;

CREATE TRIGGER tallies_outreach AFTER INSERT ON outreach_results
BEGIN
    INSERT INTO tallies (team_id, day, dim, key, metric, n, amount)
    SELECT f.team_id, f.day, d.dim,
           CASE d.dim WHEN 'member' THEN f.member_id WHEN 'site' THEN f.site_key
                      WHEN 'commune' THEN f.commune ELSE f.grp END,
           f.metric, f.n, f.amount
    FROM tally_facts f CROSS JOIN tally_dims d WHERE f.src = 'o' AND f.src_id = NEW.id
    ON CONFLICT (team_id, day, dim, key, metric) DO UPDATE SET n = n + excluded.n, amount = amount + excluded.amount;
END;

CREATE TRIGGER tallies_receipt AFTER INSERT ON receipts
BEGIN
    INSERT INTO tallies (team_id, day, dim, key, metric, n, amount)
    SELECT f.team_id, f.day, d.dim,
           CASE d.dim WHEN 'member' THEN f.member_id WHEN 'site' THEN f.site_key
                      WHEN 'commune' THEN f.commune ELSE f.grp END,
           f.metric, f.n, f.amount
    FROM tally_facts f CROSS JOIN tally_dims d WHERE f.src = 'r' AND f.src_id = NEW.id
    ON CONFLICT (team_id, day, dim, key, metric) DO UPDATE SET n = n + excluded.n, amount = amount + excluded.amount;
END;

CREATE TRIGGER tallies_receipt_void AFTER INSERT ON receipt_voids
BEGIN
    INSERT INTO tallies (team_id, day, dim, key, metric, n, amount)
    SELECT f.team_id, f.day, d.dim,
           CASE d.dim WHEN 'member' THEN f.member_id WHEN 'site' THEN f.site_key
                      WHEN 'commune' THEN f.commune ELSE f.grp END,
           f.metric, f.n, f.amount
    FROM tally_facts f CROSS JOIN tally_dims d WHERE f.src IN ('x', 'y') AND f.src_id = NEW.id
    ON CONFLICT (team_id, day, dim, key, metric) DO UPDATE SET n = n + excluded.n, amount = amount + excluded.amount;
END;

-- A collector's day closed by the team leader: what the receipts said, what was counted, the difference
-- and why. Closed days are locked (no new receipt for that day and collector: services.enrolment checks
-- it) and append-only. `notes` is a JSON object {denomination: count}; `voids` and `corrections` JSON
-- arrays of receipt-void ids (corrections: voids of receipts of an earlier closed day).
CREATE TABLE day_closings (
    id              TEXT PRIMARY KEY,
    day             TEXT NOT NULL,
    collector_id    TEXT NOT NULL REFERENCES members (id) DEFERRABLE INITIALLY DEFERRED,
    team_id         TEXT NOT NULL,
    closed_by       TEXT NOT NULL REFERENCES members (id) DEFERRABLE INITIALLY DEFERRED,
    closed_at       TEXT NOT NULL,
    receipts        INTEGER NOT NULL,
    receipts_amount INTEGER NOT NULL,
    cash_expected   INTEGER NOT NULL,
    cash_counted    INTEGER NOT NULL,
    transfers       INTEGER NOT NULL,
    difference      INTEGER NOT NULL,
    explanation     TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '{}',
    voids           TEXT NOT NULL DEFAULT '[]',
    corrections     TEXT NOT NULL DEFAULT '[]',
    UNIQUE (day, collector_id)
);
CREATE INDEX day_closings_by_collector ON day_closings (collector_id, day);

CREATE TRIGGER day_closings_no_update BEFORE UPDATE ON day_closings
BEGIN SELECT RAISE(ABORT, 'day closings are append-only'); END;
CREATE TRIGGER day_closings_no_delete BEFORE DELETE ON day_closings
BEGIN SELECT RAISE(ABORT, 'day closings are append-only'); END;

-- the closing reads a collector's receipts of a day, and the voids made after a time
CREATE INDEX receipts_by_member_day ON receipts (member_id, day);
