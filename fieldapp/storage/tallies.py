"""Reads for tallies: the rollup kept by db/0005's triggers (db/0011's for voids and closings), the targets
of a period, the names of the breakdown keys, and the corrections of closed days. All in one snapshot per
call, so a report never mixes two moments."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from fieldapp.storage.driver import Connection
from fieldapp.storage.store import Store

DIMS = ("member", "site", "commune", "group")
# Metrics the rollup holds beyond the targeted ones (domain Metric): money collected net of voids (a void
# counted on its receipt's day, or as a correction on a later day once that day was closed: db/0011), the
# voids made that day, and the attendance of events.
COLLECTED, VOIDS, ATTENDANCE = "collected", "voids", "attendance"


@dataclass
class Figures:
    """Counts per metric code and money, for one breakdown key (or a whole period)."""

    counts: dict[str, int] = field(default_factory=dict)
    amounts: dict[str, int] = field(default_factory=dict)

    def add(self, metric: str, n: int, amount: int) -> None:
        self.counts[metric] = self.counts.get(metric, 0) + n
        self.amounts[metric] = self.amounts.get(metric, 0) + amount

    def count(self, metric: str) -> int:
        return self.counts.get(metric, 0)

    @property
    def collected(self) -> int:
        return self.amounts.get(COLLECTED, 0)


@dataclass(frozen=True)
class Correction:
    """A void of a receipt whose day was closed before the void: counted on `day`, not the receipt's day
    (db/0011), so the closed day's figures stay what was signed."""

    day: date  # the day whose figures it corrects
    void_id: str
    series: str
    number: int
    receipt_day: date
    collector: str  # the collector's name (their id when this store does not know them)
    amount: int

    @property
    def label(self) -> str:
        return f"{self.series}/{self.number:07d}"


@dataclass(frozen=True)
class Snapshot:
    """Everything a tally report of one period needs from the store."""

    first: date
    last: date
    team_ids: tuple[str, ...]  # empty: every team this store knows
    by: dict[str, dict[str, Figures]]  # dim -> key -> figures
    days: dict[date, Figures]  # the whole selection per day, first..last
    targets: dict[tuple[str, str], dict[str, int]]  # (scope, ref) -> metric -> value
    names: dict[str, dict[str, str]]  # dim -> key -> name (groups are codes, named by the caller)
    team_names: dict[str, str]
    province_codes: tuple[str, ...]
    corrections: tuple[Correction, ...] = ()  # voids of earlier, closed days counted in first..last


def _team_filter(team_ids: Sequence[str], column: str = "team_id") -> tuple[str, list[str]]:
    if not team_ids:
        return "", []
    return f" AND {column} IN ({', '.join('?' * len(team_ids))})", list(team_ids)


def snapshot(store: Store, first: date, last: date, team_ids: Sequence[str] = ()) -> Snapshot:
    team_ids = tuple(team_ids)
    where, params = _team_filter(team_ids)
    span = (first.isoformat(), last.isoformat())
    with store.reading() as conn:
        by: dict[str, dict[str, Figures]] = {d: defaultdict(Figures) for d in DIMS}
        for dim, key, metric, n, amount in conn.execute(
            "SELECT dim, key, metric, sum(n), sum(amount) FROM tallies "
            f"WHERE day BETWEEN ? AND ?{where} GROUP BY dim, key, metric",
            (*span, *params),
        ):
            by[dim][key].add(metric, n, amount)
        days: dict[date, Figures] = defaultdict(Figures)
        for day, metric, n, amount in conn.execute(
            "SELECT day, metric, sum(n), sum(amount) FROM tallies "
            f"WHERE day BETWEEN ? AND ? AND dim = 'member'{where} GROUP BY day, metric",
            (*span, *params),
        ):
            days[date.fromisoformat(day)].add(metric, n, amount)
        teams = dict(conn.execute("SELECT id, name FROM teams"))
        shown_teams = team_ids or tuple(teams)
        provinces = tuple(
            sorted(
                {
                    r[0]
                    for r in conn.execute(
                        f"SELECT province_code FROM teams WHERE 1 = 1{_team_filter(shown_teams, 'id')[0]}",
                        list(shown_teams),
                    )
                }
            )
        )
        names = _names(conn, {dim: list(keys) for dim, keys in by.items()})
        targets = period_targets(conn, first, last)
        fixes = tuple(corrections_in(conn, first, last, team_ids))
    return Snapshot(
        first,
        last,
        team_ids,
        {d: dict(v) for d, v in by.items()},
        dict(days),
        targets,
        names,
        teams,
        provinces,
        fixes,
    )


def _in(conn: Connection, sql: str, keys: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        if chunk:
            out.update(conn.execute(sql.format(marks=", ".join("?" * len(chunk))), chunk).fetchall())
    return out


def _names(conn: Connection, keys: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    sites = [k for k in keys.get("site", []) if k and not k.startswith("e:")]
    events = [k[2:] for k in keys.get("site", []) if k.startswith("e:")]
    site_names = _in(conn, "SELECT id, name FROM sites WHERE id IN ({marks})", sites)
    site_names.update(
        {f"e:{k}": v for k, v in _in(conn, "SELECT id, title FROM events WHERE id IN ({marks})", events).items()}
    )
    return {
        "member": _in(conn, "SELECT id, full_name FROM members WHERE id IN ({marks})", keys.get("member", [])),
        "site": site_names,
        "commune": _in(conn, "SELECT code, name FROM communes WHERE code IN ({marks})", keys.get("commune", [])),
        "group": {},
    }


def period_targets(conn: Connection, first: date, last: date) -> dict[tuple[str, str], dict[str, int]]:
    """Targets that apply to first..last, per (scope, ref): those of a period (or a whole campaign) that
    is exactly first..last; where a scope and metric has none, the sum of its targets of 'day' periods
    inside first..last. A target of zero is kept (shown as "no target", never divided by)."""
    span = (first.isoformat(), last.isoformat())
    exact: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for scope, ref, metric, value in conn.execute(
        "SELECT t.scope, t.scope_ref, t.metric, t.value FROM targets t "
        "JOIN campaigns c ON c.id = t.campaign_id LEFT JOIN campaign_periods p ON p.id = t.period_id "
        "WHERE (p.starts_on = ?1 AND p.ends_on = ?2) OR (t.period_id IS NULL AND c.starts_on = ?1 AND c.ends_on = ?2) "
        "ORDER BY t.period_id IS NULL DESC, t.created_at",
        span,
    ):
        exact[(scope, ref)][metric] = value
    summed: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for scope, ref, metric, value in conn.execute(
        "SELECT t.scope, t.scope_ref, t.metric, sum(t.value) FROM targets t "
        "JOIN campaign_periods p ON p.id = t.period_id "
        "WHERE p.kind = 'day' AND p.starts_on BETWEEN ?1 AND ?2 GROUP BY t.scope, t.scope_ref, t.metric",
        span,
    ):
        summed[(scope, ref)][metric] = value
    out: dict[tuple[str, str], dict[str, int]] = {}
    for key in set(exact) | set(summed):
        out[key] = {**summed.get(key, {}), **exact.get(key, {})}
    return out


def campaign_span(store: Store, day: date, province: str | None = None) -> tuple[date, date] | None:
    """The dates of the campaign that covers `day` (in the province, if given)."""
    row = store.query_one(
        "SELECT starts_on, ends_on FROM campaigns WHERE starts_on <= ?1 AND ends_on >= ?1 "
        "AND (?2 IS NULL OR province_code = ?2) ORDER BY starts_on DESC LIMIT 1",
        (day.isoformat(), province),
    )
    return (date.fromisoformat(row[0]), date.fromisoformat(row[1])) if row else None


def rebuild(store: Store) -> int:
    """Recompute the rollup from the facts (after a sync brought children before their parents)."""
    with store.transaction() as conn:
        return rebuild_in(conn)


def rebuild_in(conn: Connection) -> int:
    """`rebuild` inside the caller's transaction; the number of rollup rows."""
    conn.execute("DELETE FROM tallies")
    conn.execute(
        "INSERT INTO tallies (team_id, day, dim, key, metric, n, amount) "
        "SELECT f.team_id, f.day, d.dim, CASE d.dim WHEN 'member' THEN f.member_id WHEN 'site' THEN f.site_key "
        "WHEN 'commune' THEN f.commune ELSE f.grp END, f.metric, sum(f.n), sum(f.amount) "
        "FROM tally_facts f CROSS JOIN tally_dims d GROUP BY 1, 2, 3, 4, 5"
    )
    return conn.execute("SELECT count(*) FROM tallies").fetchone()[0]


# The mutable records whose fields key a fact's rollup rows: a pulled edit of one (version > 1: the server
# numbers a record's first version 1) moves the facts that name it to other keys.
REKEYING = {"persons": "person", "sites": "site"}

# the days of the facts that name one of the persons (?1) or sites (?2), as tally_facts dates them: a
# void's on the day it was made ('voids') and on the day db/0011's void_tally_days gives its take-back (its
# receipt's day, or a later one when that day was closed before the void)
_DAYS_OF = """
WITH ps(id) AS (SELECT value FROM json_each(?1)), ss(id) AS (SELECT value FROM json_each(?2)),
     evs(id) AS (SELECT id FROM events WHERE site_id IN ss),
     ens(id) AS (SELECT id FROM enrolments WHERE person_id IN ps OR event_id IN evs),
     rs(id, day) AS (SELECT r.id, r.day FROM receipts r JOIN payments p ON p.id = r.payment_id
                     WHERE p.enrolment_id IN ens)
SELECT day FROM consultations WHERE person_id IN ps OR site_id IN ss OR event_id IN evs
UNION SELECT held_on FROM events WHERE id IN evs
UNION SELECT enrolled_on FROM enrolments WHERE id IN ens
UNION SELECT day FROM outreach_results WHERE person_id IN ps OR event_id IN evs
UNION SELECT day FROM rs
UNION SELECT date(v.at, '+7 hours') FROM receipt_voids v WHERE v.receipt_id IN (SELECT id FROM rs)
UNION SELECT vd.day FROM void_tally_days vd JOIN receipt_voids v ON v.id = vd.void_id
      WHERE v.receipt_id IN (SELECT id FROM rs)
"""


def corrections_in(conn: Connection, first: date, last: date, team_ids: Sequence[str] = ()) -> list[Correction]:
    """The voids counted in first..last as corrections of an earlier, closed day (for these teams, as the
    rollup files them), by day and the moment of the void."""
    where, params = _team_filter(team_ids, "coalesce(e.team_id, m.team_id, '')")
    rows = conn.execute(
        "SELECT vd.day, v.id, r.series, r.number, r.day, coalesce(m.full_name, r.member_id), r.amount "
        "FROM void_tally_days vd JOIN receipt_voids v ON v.id = vd.void_id JOIN receipts r ON r.id = v.receipt_id "
        "LEFT JOIN members m ON m.id = r.member_id LEFT JOIN payments pay ON pay.id = r.payment_id "
        "LEFT JOIN enrolments e ON e.id = pay.enrolment_id "
        f"WHERE vd.day <> vd.receipt_day AND vd.day BETWEEN ? AND ?{where} ORDER BY vd.day, v.at, v.id",
        (first.isoformat(), last.isoformat(), *params),
    ).fetchall()
    return [Correction(date.fromisoformat(r[0]), r[1], r[2], r[3], date.fromisoformat(r[4]), r[5], r[6]) for r in rows]


def edited_parents(changes: Sequence[dict]) -> dict[str, set[str]]:
    """Of a pulled page's changes, the edited persons and sites (see REKEYING), by entity."""
    out: dict[str, set[str]] = {}
    for ch in changes:
        entity, version = ch.get("entity"), ch.get("version")
        if entity in REKEYING and isinstance(version, int) and version > 1 and ch.get("id"):
            out.setdefault(entity, set()).add(ch["id"])
    return out


def refresh_after_pull(store: Store, edited: dict[str, set[str]]) -> list[date]:
    """After a pull brought edits of persons or sites (a commune or target group corrected on another
    laptop): the rollup of the days whose facts name them, added up again from the facts, so it is what
    `rebuild` would make of them. The triggers count a fact once, with its keys as they were when it
    arrived. Returns the days refreshed (none when nothing was edited)."""
    from fieldapp.protocol.encoding import to_json

    persons, sites = sorted(edited.get("persons", ())), sorted(edited.get("sites", ()))
    if not persons and not sites:
        return []
    with store.transaction() as conn:
        days = sorted(r[0] for r in conn.execute(_DAYS_OF, (to_json(persons), to_json(sites))) if r[0])
        _recount_days(conn, days)
    return [date.fromisoformat(d) for d in days]


def _recount_days(conn: Connection, days: Sequence[str]) -> None:
    from fieldapp.protocol.encoding import to_json

    if not days:
        return
    listed = to_json(list(days))
    conn.execute("DELETE FROM tallies WHERE day IN (SELECT value FROM json_each(?))", (listed,))
    conn.execute(
        "INSERT INTO tallies (team_id, day, dim, key, metric, n, amount) "
        "SELECT f.team_id, f.day, d.dim, CASE d.dim WHEN 'member' THEN f.member_id WHEN 'site' THEN f.site_key "
        "WHEN 'commune' THEN f.commune ELSE f.grp END, f.metric, sum(f.n), sum(f.amount) "
        "FROM tally_facts f CROSS JOIN tally_dims d WHERE f.day IN (SELECT value FROM json_each(?)) "
        "GROUP BY 1, 2, 3, 4, 5",
        (listed,),
    )


def add_rollup(store: Store, rows: Sequence[tuple]) -> int:
    """Add rollup rows (team_id, day, dim, key, metric, n, amount) added up elsewhere (the server report's
    consultations) to a scratch store's `tallies`."""
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO tallies (team_id, day, dim, key, metric, n, amount) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (team_id, day, dim, key, metric) DO UPDATE SET n = n + excluded.n, "
            "amount = amount + excluded.amount",
            rows,
        )
    return len(rows)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def find_team(store: Store, name_or_id: str) -> tuple[str, str] | None:
    """A team by its id or its name (case and diacritics as typed or not): (id, name)."""
    from fieldapp.domain.text import fold

    for team_id, name in store.query("SELECT id, name FROM teams ORDER BY created_at"):
        if name_or_id in (team_id, name) or fold(name_or_id) == fold(name):
            return team_id, name
    return None


def receipts_for_declaration(
    store: Store, first: date, last: date, kinds: Sequence[str], team_ids: Sequence[str] = ()
) -> list[str]:
    """The valid (not voided) receipts of first..last for these enrolment kinds, in series and number order."""
    where, params = _team_filter(team_ids, "e.team_id")
    rows = store.query(
        "SELECT r.id FROM receipts r JOIN payments p ON p.id = r.payment_id JOIN enrolments e ON e.id = p.enrolment_id "
        f"WHERE r.day BETWEEN ? AND ? AND e.kind IN ({', '.join('?' * len(kinds))}){where} "
        "AND NOT EXISTS (SELECT 1 FROM receipt_voids v WHERE v.receipt_id = r.id) ORDER BY r.day, r.series, r.number",
        (first.isoformat(), last.isoformat(), *kinds, *params),
    )
    return [r[0] for r in rows]


def continuing(store: Store, receipt_ids: Sequence[str], kinds: Sequence[str]) -> set[str]:
    """Of these receipts, those that continue a cover rather than start one (D05-TS "Ghi chú": đóng tiếp, not
    tăng mới): the insured person had an enrolment of these kinds before, not voided, or this one starts after
    the first day of its month (`domain.coverage.vsi_start`: from the month after the months already paid)."""
    out: set[str] = set()
    kind_marks = ", ".join("?" * len(kinds))
    for start in range(0, len(receipt_ids), 500):
        chunk = list(receipt_ids[start : start + 500])
        rows = store.query(
            "SELECT r.id FROM receipts r JOIN payments p ON p.id = r.payment_id "
            "JOIN enrolments e ON e.id = p.enrolment_id "
            f"WHERE r.id IN ({', '.join('?' * len(chunk))}) AND (e.start_on > strftime('%Y-%m-01', e.enrolled_on) "
            "OR EXISTS (SELECT 1 FROM enrolments b JOIN payments bp ON bp.enrolment_id = b.id "
            "JOIN receipts br ON br.payment_id = bp.id "
            f"WHERE b.person_id = e.person_id AND b.kind IN ({kind_marks}) AND b.id <> e.id "
            "AND (b.enrolled_on < e.enrolled_on OR (b.enrolled_on = e.enrolled_on AND b.created_at < e.created_at)) "
            "AND NOT EXISTS (SELECT 1 FROM receipt_voids v WHERE v.receipt_id = br.id)))",
            (*chunk, *kinds),
        )
        out.update(r[0] for r in rows)
    return out


def drop_rollup_triggers(store: Store) -> None:
    """For a scratch store filled in bulk (`fieldapp server report`): one `rebuild` after the load adds up
    the facts several times faster than the triggers do row by row. Never on a laptop's store."""
    with store.transaction() as conn:
        names = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'tallies_%'")
        ]
        for name in names:
            conn.execute(f"DROP TRIGGER {name}")


def load_records(store: Store, table: str, records: Sequence[dict]) -> int:
    """Put records as sync carries them (field -> stored value) into a scratch store that a report reads:
    the central server's data is added up by the same code as a laptop's (`fieldapp server report`).
    Foreign keys are not checked: a report over a slice of the records need not hold every parent."""
    from fieldapp.storage.records import BY_TABLE

    spec = BY_TABLE[table]
    # the records arrive as stored (sync carries the stored values), so they go in as they are; only the
    # derived columns (a name's search key) are made here
    derived = tuple(spec.derived.values())
    rows = [(*(r.get(f) for f in spec.fields), *(fn(SimpleNamespace(**r)) for fn in derived)) for r in records]
    sql = spec.insert_sql.replace("INSERT INTO", "INSERT OR IGNORE INTO", 1)
    with store.lock:
        store.query("PRAGMA foreign_keys = OFF")
    with store.transaction() as conn:
        conn.executemany(sql, rows)
    return len(rows)
