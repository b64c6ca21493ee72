"""The server's queries of the province's report (`fieldapp server report`, fieldapp/reports/server.py):
the records a period needs, and the consultations added up by the database itself."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from fieldapp.server import schema as s

if TYPE_CHECKING:
    from fieldapp.server.store import ServerStore

SMALL = ("members", "sites", "campaigns", "campaign_periods", "targets", "receipt_voids")
BY_DAY = {
    "events": "held_on",
    "enrolments": "enrolled_on",
    "receipts": "day",
    "outreach_results": "day",
    "day_closings": "day",
}
CHUNK = 500


def _day_field(store: ServerStore, field: str, table=s.records):
    data = table.c.data
    if store.dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import JSONB

        return sa.cast(data, JSONB)[field].astext
    return sa.func.json_extract(data, f"$.{field}")


def consultation_rollup(conn, server: ServerStore, first: date, last: date) -> list[tuple]:
    """The consultations of first..last added up by the server's database: (team_id, day, dim, key,
    'consultations', n, 0) rows of the laptop's `tallies` table, keyed as db/0005's `tally_facts` keys a
    consultation (site: its own, else its event's, else 'e:<event>'; commune: the person's, else the
    site's)."""
    c, ev, site, person = (s.records.alias(a) for a in ("c", "ev", "st", "p"))

    def f(table, field):
        return _day_field(server, field, table)

    site_id = sa.func.coalesce(f(c, "site_id"), f(ev, "site_id"))
    event_key = sa.literal("e:", sa.String).op("||")(f(c, "event_id"))
    facts = (
        sa.select(
            f(c, "team_id").label("team_id"),
            f(c, "day").label("day"),
            f(c, "member_id").label("member"),
            sa.func.coalesce(site_id, event_key, "").label("site"),
            sa.func.coalesce(f(person, "commune_code"), f(site, "commune_code"), "").label("commune"),
            f(c, "target_group").label("group"),
        )
        .select_from(
            c.outerjoin(ev, sa.and_(ev.c.entity == "events", ev.c.id == f(c, "event_id")))
            .outerjoin(site, sa.and_(site.c.entity == "sites", site.c.id == site_id))
            .outerjoin(person, sa.and_(person.c.entity == "persons", person.c.id == f(c, "person_id")))
        )
        .where(c.c.entity == "consultations", f(c, "day").between(first.isoformat(), last.isoformat()))
        .cte("facts")
    )
    dims = (("member", facts.c.member), ("site", facts.c.site), ("commune", facts.c.commune), ("group", facts.c.group))
    parts = [
        sa.select(facts.c.team_id, facts.c.day, sa.literal(dim, sa.String), col, sa.func.count()).group_by(
            facts.c.team_id, facts.c.day, col
        )
        for dim, col in dims
    ]
    return [
        (team, day, dim, key or "", "consultations", n, 0)
        for team, day, dim, key, n in conn.execute(sa.union_all(*parts))
    ]


def _rows(conn, stmt) -> list[dict]:
    return [json.loads(row[0]) for row in conn.execute(stmt)]


def _by_ids(conn, entity: str, ids: Iterable[str]) -> list[dict]:
    r = s.records.c
    ids = sorted({i for i in ids if i})
    out = []
    for start in range(0, len(ids), CHUNK):
        stmt = sa.select(r.data).where(r.entity == entity, r.id.in_(ids[start : start + CHUNK]))
        out += _rows(conn, stmt)
    return out


def gather(server: ServerStore, first: date, last: date) -> dict[str, list[dict]]:
    """The server's records a report of first..last reads, per laptop table; "tallies": the
    consultations' rollup rows (`consultation_rollup`), not their records."""
    r = s.records.c
    span = (first.isoformat(), last.isoformat())
    out: dict[str, list[dict]] = {}
    with server.engine.connect() as conn:
        for entity in SMALL:
            out[entity] = _rows(conn, sa.select(r.data).where(r.entity == entity))
        for entity, field in BY_DAY.items():
            out[entity] = _rows(
                conn, sa.select(r.data).where(r.entity == entity, _day_field(server, field).between(*span))
            )
        # A void counts on its receipt's day (the period's receipts: their voids, whenever made), or, once that
        # day was closed, on the day it was made (a day is at most 7 hours off UTC) as a correction (db/0011).
        lo = datetime.combine(first, datetime.min.time(), UTC) - timedelta(hours=7)
        hi = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)
        known = {rec["id"] for rec in out["receipts"]}
        out["receipt_voids"] = [
            v for v in out["receipt_voids"] if v["receipt_id"] in known or lo.isoformat() <= v["at"] < hi.isoformat()
        ]
        earlier = _by_ids(
            conn, "receipts", [v["receipt_id"] for v in out["receipt_voids"] if v["receipt_id"] not in known]
        )
        out["receipts"] += earlier
        # the closings that make a void of an earlier receipt a correction in the period
        days = sorted({rec["day"] for rec in earlier})
        wanted = {(rec["day"], rec["member_id"]) for rec in earlier}
        for start in range(0, len(days), CHUNK):
            stmt = sa.select(r.data).where(
                r.entity == "day_closings", _day_field(server, "day").in_(days[start : start + CHUNK])
            )
            out["day_closings"] += [c for c in _rows(conn, stmt) if (c["day"], c["collector_id"]) in wanted]
        out["payments"] = _by_ids(conn, "payments", [rec["payment_id"] for rec in out["receipts"]])
        known = {rec["id"] for rec in out["enrolments"]}
        out["enrolments"] += _by_ids(
            conn, "enrolments", [p["enrolment_id"] for p in out["payments"] if p["enrolment_id"] not in known]
        )
        out["tallies"] = consultation_rollup(conn, server, first, last)
        known = {rec["id"] for rec in out["events"]}
        named = [rec.get("event_id") for e in ("enrolments", "outreach_results") for rec in out[e]]
        named += [row[3][2:] for row in out["tallies"] if row[2] == "site" and row[3].startswith("e:")]
        out["events"] += _by_ids(conn, "events", [i for i in named if i and i not in known])
        people = [rec.get("person_id") for e in ("enrolments", "outreach_results") for rec in out[e]]
        out["persons"] = _by_ids(conn, "persons", people)
        teams = conn.execute(sa.select(s.teams.c.id, s.teams.c.name, s.teams.c.province_code, s.teams.c.created_at))
        out["teams"] = [
            {
                "id": t_id,
                "name": name,
                "province_code": province,
                "organisation": "",
                "commune_codes": "[]",
                "created_at": created,
                "version": 0,
            }
            for t_id, name, province, created in teams
        ]
    return out
