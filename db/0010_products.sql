-- Products are data (issue 16): an enrolment counts for the tally metric its product names in
-- fieldapp.domain.products, not for a CASE over four kinds that counted any other kind as donated books.
-- `products` holds each kind's metric; the app fills it from its registry whenever it opens the store
-- (fieldapp.storage.products.record), and the four built-in products are here from the start. A kind the
-- table does not hold fails loudly: its enrolment is refused (the trigger below), and a rollup rebuild that
-- meets one from before stops on tallies.metric NOT NULL rather than count it as something else.
CREATE TABLE products (
    kind   TEXT PRIMARY KEY,
    metric TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO products (kind, metric) VALUES
    ('vsi', 'new_vsi'), ('household_hi', 'new_hi'), ('donated_hi', 'donated_cards'), ('donated_vsi', 'donated_books');

CREATE TRIGGER enrolments_of_a_product BEFORE INSERT ON enrolments
WHEN NOT EXISTS (SELECT 1 FROM products WHERE kind = NEW.kind)
BEGIN SELECT RAISE(ABORT, 'enrolment of an unknown product kind'); END;

-- db/0005's view with the enrolments' metric from `products` (the triggers of 0005 read it by name).
DROP VIEW tally_facts;
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
       pr.metric, json_array_length(e.lines), e.amount
FROM enrolments e
LEFT JOIN products pr ON pr.kind = e.kind
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
