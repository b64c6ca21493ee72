-- A void takes its receipt out of the day it belongs to (issue 17, item 3).
--
-- Until now a void was counted on the Vietnamese day it was made, as 'collected' -1 / -amount, and the
-- enrolment's own metric (its participants and money) was never taken back: a day's report showed a
-- member with a negative amount and a total below what was receipted, with no line saying why, and the
-- participant counts never went down. Now a void counts:
--   * on its receipt's day (`receipts.day`), while that collector's day was still open when the void was
--     made: the receipt and the enrolment leave that day's figures, as if never issued;
--   * once the day was closed before the void (`day_closings.closed_at < v.at`, the test the cash side's
--     `storage.closing.corrections` makes), on the day the void was made, and never earlier than the day
--     after the closed one: the closed day's figures stay what was signed and the void is a correction on
--     a later day, which the tally report names (`storage.tallies.corrections`), as the next closing does.
-- The 'voids' metric (how many voids were made, and their money) stays on the day the void was made.
-- A closing pulled after a void made later than it moves that void's facts (trigger below), so the
-- rollup stays what `fieldapp.storage.tallies.rebuild` adds up from the facts whatever order they arrive.

-- The day each void counts on, with its receipt's day: where they differ, the void corrects a closed day.
CREATE VIEW void_tally_days AS
SELECT v.id AS void_id, r.day AS receipt_day,
       CASE WHEN EXISTS (SELECT 1 FROM day_closings c
                         WHERE c.day = r.day AND c.collector_id = r.member_id AND c.closed_at < v.at)
            THEN max(date(v.at, '+7 hours'), date(r.day, '+1 day'))
            ELSE r.day END AS day
FROM receipt_voids v JOIN receipts r ON r.id = v.receipt_id;

-- db/0010's view; the voids' arms: 'x' takes the receipt's money back, 'w' the enrolment's metric, both on
-- the day above; 'y' counts the void on the day it was made.
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
SELECT 'x', v.id, coalesce(e.team_id, m.team_id, ''), vd.day, r.member_id,
       coalesce(ev.site_id, CASE WHEN e.event_id IS NOT NULL THEN 'e:' || e.event_id END, ''),
       coalesce(p.commune_code, s.commune_code, ''), coalesce(p.target_group, ''), 'collected', -1, -r.amount
FROM receipt_voids v
JOIN void_tally_days vd ON vd.void_id = v.id
JOIN receipts r ON r.id = v.receipt_id
LEFT JOIN members m ON m.id = r.member_id
LEFT JOIN payments pay ON pay.id = r.payment_id
LEFT JOIN enrolments e ON e.id = pay.enrolment_id
LEFT JOIN events ev ON ev.id = e.event_id
LEFT JOIN sites s ON s.id = ev.site_id
LEFT JOIN persons p ON p.id = e.person_id
UNION ALL
SELECT 'w', v.id, e.team_id, vd.day, e.member_id,
       coalesce(ev.site_id, CASE WHEN e.event_id IS NOT NULL THEN 'e:' || e.event_id END, ''),
       coalesce(p.commune_code, s.commune_code, ''), coalesce(p.target_group, ''),
       pr.metric, -json_array_length(e.lines), -e.amount
FROM receipt_voids v
JOIN void_tally_days vd ON vd.void_id = v.id
JOIN receipts r ON r.id = v.receipt_id
JOIN payments pay ON pay.id = r.payment_id
JOIN enrolments e ON e.id = pay.enrolment_id
LEFT JOIN products pr ON pr.kind = e.kind
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

DROP TRIGGER tallies_receipt_void;
CREATE TRIGGER tallies_receipt_void AFTER INSERT ON receipt_voids
BEGIN
    INSERT INTO tallies (team_id, day, dim, key, metric, n, amount)
    SELECT f.team_id, f.day, d.dim,
           CASE d.dim WHEN 'member' THEN f.member_id WHEN 'site' THEN f.site_key
                      WHEN 'commune' THEN f.commune ELSE f.grp END,
           f.metric, f.n, f.amount
    FROM tally_facts f CROSS JOIN tally_dims d WHERE f.src IN ('x', 'w', 'y') AND f.src_id = NEW.id
    ON CONFLICT (team_id, day, dim, key, metric) DO UPDATE SET n = n + excluded.n, amount = amount + excluded.amount;
END;

-- A closing that arrives (by a pull) after voids of that day made later than it: until now those voids
-- counted on the receipts' day (NEW.day, open then); they move to the day the view gives them now.
CREATE TRIGGER tallies_day_closing AFTER INSERT ON day_closings
BEGIN
    INSERT INTO tallies (team_id, day, dim, key, metric, n, amount)
    SELECT f.team_id, f.day, d.dim,
           CASE d.dim WHEN 'member' THEN f.member_id WHEN 'site' THEN f.site_key
                      WHEN 'commune' THEN f.commune ELSE f.grp END,
           f.metric, f.n, f.amount
    FROM tally_facts f CROSS JOIN tally_dims d
    WHERE f.src IN ('x', 'w') AND f.src_id IN (
        SELECT v.id FROM receipts r JOIN receipt_voids v ON v.receipt_id = r.id
        WHERE r.member_id = NEW.collector_id AND r.day = NEW.day AND v.at > NEW.closed_at)
    ON CONFLICT (team_id, day, dim, key, metric) DO UPDATE SET n = n + excluded.n, amount = amount + excluded.amount;
    INSERT INTO tallies (team_id, day, dim, key, metric, n, amount)
    SELECT f.team_id, NEW.day, d.dim,
           CASE d.dim WHEN 'member' THEN f.member_id WHEN 'site' THEN f.site_key
                      WHEN 'commune' THEN f.commune ELSE f.grp END,
           f.metric, -f.n, -f.amount
    FROM tally_facts f CROSS JOIN tally_dims d
    WHERE f.src IN ('x', 'w') AND f.src_id IN (
        SELECT v.id FROM receipts r JOIN receipt_voids v ON v.receipt_id = r.id
        WHERE r.member_id = NEW.collector_id AND r.day = NEW.day AND v.at > NEW.closed_at)
    ON CONFLICT (team_id, day, dim, key, metric) DO UPDATE SET n = n + excluded.n, amount = amount + excluded.amount;
END;

-- the figures of every store already there, added up again with the voids where they now belong
DELETE FROM tallies;
INSERT INTO tallies (team_id, day, dim, key, metric, n, amount)
SELECT f.team_id, f.day, d.dim,
       CASE d.dim WHEN 'member' THEN f.member_id WHEN 'site' THEN f.site_key
                  WHEN 'commune' THEN f.commune ELSE f.grp END,
       f.metric, sum(f.n), sum(f.amount)
FROM tally_facts f CROSS JOIN tally_dims d
GROUP BY 1, 2, 3, 4, 5;
