"""Closing a collector's day: the receipts, voids and corrections it covers, and the closings kept
(db/0005 `day_closings`, append-only; written as `models.DayClosing` records, so sync carries them to the
server and the team's other laptops, where the day is locked too)."""

from __future__ import annotations

import json
from datetime import date

from fieldapp.domain import models as m
from fieldapp.domain import products
from fieldapp.domain.cash import DayReceipt
from fieldapp.domain.enums import PaymentMethod
from fieldapp.protocol.encoding import decode_datetime
from fieldapp.storage.driver import Connection
from fieldapp.storage.store import Store

_RECEIPT_SQL = (
    "SELECT r.id, r.series, r.number, r.amount, e.kind, p.method, p.reference, r.payer_name, r.day, "
    "v.id, v.reason, v.at FROM receipts r JOIN payments p ON p.id = r.payment_id "
    "JOIN enrolments e ON e.id = p.enrolment_id LEFT JOIN receipt_voids v ON v.receipt_id = r.id "
)


def _receipt(row) -> DayReceipt:
    return DayReceipt(
        row[0],
        row[1],
        row[2],
        row[3],
        products.get(row[4]).kind,
        PaymentMethod(row[5]),
        row[6],
        row[7],
        date.fromisoformat(row[8]),
        row[9],
        row[10],
        decode_datetime(row[11]) if row[11] else None,
    )


def day_receipts(conn: Connection, day: date, collector_id: str) -> list[DayReceipt]:
    rows = conn.execute(
        _RECEIPT_SQL + "WHERE r.member_id = ? AND r.day = ? ORDER BY r.series, r.number",
        (collector_id, day.isoformat()),
    ).fetchall()
    return [_receipt(r) for r in rows]


def corrections(conn: Connection, day: date, collector_id: str) -> list[DayReceipt]:
    """Receipts of the collector's earlier, already closed days voided after that closing and not yet
    shown as a correction by a later closing (before `day`)."""
    rows = conn.execute(
        _RECEIPT_SQL + "JOIN day_closings c ON c.day = r.day AND c.collector_id = r.member_id "
        "WHERE r.member_id = ?1 AND r.day < ?2 AND v.id IS NOT NULL AND v.at > c.closed_at "
        "AND date(v.at, '+7 hours') <= ?2 "
        "AND NOT EXISTS (SELECT 1 FROM day_closings later, json_each(later.corrections) j "
        "                WHERE later.collector_id = ?1 AND later.day < ?2 AND j.value = v.id) "
        "ORDER BY v.at",
        (collector_id, day.isoformat()),
    ).fetchall()
    return [_receipt(r) for r in rows]


def is_closed(conn: Connection, day: date, collector_id: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM day_closings WHERE day = ? AND collector_id = ?", (day.isoformat(), collector_id)
        ).fetchone()
        is not None
    )


_CLOSING_COLUMNS = (
    "id, day, collector_id, team_id, closed_by, closed_at, receipts, receipts_amount, cash_expected, "
    "cash_counted, transfers, difference, explanation, notes, voids, corrections"
)


def _closing(row) -> m.DayClosing:
    return m.DayClosing(
        row[0],
        date.fromisoformat(row[1]),
        row[2],
        row[3],
        row[4],
        decode_datetime(row[5]),
        *row[6:13],
        {str(k): int(v) for k, v in json.loads(row[13]).items()},
        tuple(json.loads(row[14])),
        tuple(json.loads(row[15])),
    )


def closing(store: Store, day: date, collector_id: str) -> m.DayClosing | None:
    row = store.query_one(
        f"SELECT {_CLOSING_COLUMNS} FROM day_closings WHERE day = ? AND collector_id = ?",
        (day.isoformat(), collector_id),
    )
    return _closing(row) if row else None


def collectors(store: Store, team_id: str, day: date) -> list[tuple[str, str, str, int, bool]]:
    """The team's members who collected on `day` or have a correction pending, then the others:
    (id, name, code, receipts that day, closed)."""
    rows = store.query(
        "SELECT m.id, m.full_name, m.code, "
        "(SELECT count(*) FROM receipts r WHERE r.member_id = m.id AND r.day = ?1), "
        "EXISTS (SELECT 1 FROM day_closings c WHERE c.collector_id = m.id AND c.day = ?1) "
        "FROM members m WHERE m.team_id = ?2 AND m.active = 1 ORDER BY 4 DESC, vi_sort_key(m.full_name)",
        (day.isoformat(), team_id),
    )
    return [(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]


def receipts_voided_by(store: Store, void_ids: list[str]) -> list[DayReceipt]:
    if not void_ids:
        return []
    rows = store.query(_RECEIPT_SQL + f"WHERE v.id IN ({', '.join('?' * len(void_ids))}) ORDER BY v.at", void_ids)
    return [_receipt(r) for r in rows]


def closings_between(store: Store, first: date, last: date) -> list[tuple[m.DayClosing, str, str]]:
    """Every closing of first..last, with its team's and collector's names, by day, team and collector."""
    cols = ", ".join(f"c.{c.strip()}" for c in _CLOSING_COLUMNS.split(","))
    rows = store.query(
        f"SELECT {cols}, coalesce(t.name, c.team_id), coalesce(m.full_name, c.collector_id) FROM day_closings c "
        "LEFT JOIN teams t ON t.id = c.team_id LEFT JOIN members m ON m.id = c.collector_id "
        "WHERE c.day BETWEEN ? AND ? ORDER BY c.day, 17, 18",
        (first.isoformat(), last.isoformat()),
    )
    return [(_closing(r[:16]), r[16], r[17]) for r in rows]
