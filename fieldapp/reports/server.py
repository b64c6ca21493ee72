"""`fieldapp server report`: the laptop's tally report over every team on the central server.

The records a period needs (its work, the receipts voided in it, the people and places they name, the
teams, members, campaigns and targets) are read from the server's `records` table and put into a scratch
laptop store, whose triggers add them up exactly as on a laptop; `reports.tallies.build` does the rest.
So the province's report and a team leader's are the same code and the same numbers.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from fieldapp.paths import DataDir
from fieldapp.reports.tallies import Report, build
from fieldapp.server import schema as s
from fieldapp.server.store import ServerStore
from fieldapp.storage import tallies as tally_store
from fieldapp.storage.store import OpenOptions, Store

SMALL = ("members", "sites", "campaigns", "campaign_periods", "targets", "receipt_voids")
BY_DAY = {
    "consultations": "day",
    "events": "held_on",
    "enrolments": "enrolled_on",
    "receipts": "day",
    "outreach_results": "day",
}
CHUNK = 500


def _day_field(store: ServerStore, field: str):
    data = s.records.c.data
    if store.dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import JSONB

        return sa.cast(data, JSONB)[field].astext
    return sa.func.json_extract(data, f"$.{field}")


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
    """The server's records a report of first..last reads, per laptop table."""
    r = s.records.c
    span = (first.isoformat(), last.isoformat())
    out: dict[str, list[dict]] = {}
    with server.engine.connect() as conn:
        for entity in SMALL:
            out[entity] = _rows(conn, sa.select(r.data).where(r.entity == entity))
        # voids count on the day they were made; a day is at most 7 hours off UTC
        lo = datetime.combine(first, datetime.min.time(), UTC) - timedelta(hours=7)
        hi = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)
        out["receipt_voids"] = [v for v in out["receipt_voids"] if lo.isoformat() <= v["at"] < hi.isoformat()]
        for entity, field in BY_DAY.items():
            out[entity] = _rows(
                conn, sa.select(r.data).where(r.entity == entity, _day_field(server, field).between(*span))
            )
        known = {rec["id"] for rec in out["receipts"]}
        out["receipts"] += _by_ids(
            conn, "receipts", [v["receipt_id"] for v in out["receipt_voids"] if v["receipt_id"] not in known]
        )
        out["payments"] = _by_ids(conn, "payments", [rec["payment_id"] for rec in out["receipts"]])
        known = {rec["id"] for rec in out["enrolments"]}
        out["enrolments"] += _by_ids(
            conn, "enrolments", [p["enrolment_id"] for p in out["payments"] if p["enrolment_id"] not in known]
        )
        known = {rec["id"] for rec in out["events"]}
        named = [rec.get("event_id") for e in ("consultations", "enrolments", "outreach_results") for rec in out[e]]
        out["events"] += _by_ids(conn, "events", [i for i in named if i and i not in known])
        people = [rec.get("person_id") for e in ("consultations", "enrolments", "outreach_results") for rec in out[e]]
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


ORDER = (
    "teams",
    "members",
    "sites",
    "campaigns",
    "campaign_periods",
    "targets",
    "persons",
    "events",
    "consultations",
    "enrolments",
    "payments",
    "receipts",
    "receipt_voids",
    "outreach_results",
)


def server_report(server: ServerStore, first: date, last: date, lang: str = "vi") -> Report:
    records = gather(server, first, last)
    with tempfile.TemporaryDirectory(prefix="fieldapp-report-") as tmp:
        scratch = Store.open(DataDir(tmp), OpenOptions(dev_plaintext=True))
        try:
            tally_store.drop_rollup_triggers(scratch)
            for table in ORDER:
                tally_store.load_records(scratch, table, records.get(table, []))
            tally_store.rebuild(scratch)
            return build(scratch, first, last, (), lang)
        finally:
            scratch.close()
