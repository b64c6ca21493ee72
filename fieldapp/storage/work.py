"""Reads for the Today, Consultations, Enrolments and Receipts screens, and record counts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from fieldapp.domain import products
from fieldapp.domain.enums import Metric, Outcome, OutreachKind, TargetGroup, Topic
from fieldapp.domain.models import FollowUp, Site
from fieldapp.protocol.entities import COUNTED_TABLES
from fieldapp.storage.records import spec_for
from fieldapp.storage.store import Store


def counts(store: Store) -> dict[str, int]:
    with store.reading() as conn:
        out = {
            key: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for key, table in COUNTED_TABLES.items()
        }
        out["outbox_pending"] = conn.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]
    return out


def pending_changes(store: Store) -> int:
    return store.query_one("SELECT count(*) FROM outbox WHERE state = 'pending'")[0]


@dataclass(frozen=True)
class DaySummary:
    day: date
    consultations: int
    consultations_mine: int
    enrolled: int
    new_vsi: int
    new_hi: int  # household HI participants (every insured member counts)
    donated: int
    receipts: int
    receipts_amount: int
    events: int
    attendance: int
    vssid_installs: int
    non_cash_pension: int
    follow_ups_due: int
    targets: dict[Metric, int] = field(default_factory=dict)

    def achieved(self, metric: Metric) -> int:
        return {
            Metric.NEW_VSI: self.new_vsi,
            Metric.NEW_HI: self.new_hi,
            Metric.CONSULTATIONS: self.consultations,
            Metric.EVENTS: self.events,
            Metric.VSSID_INSTALLS: self.vssid_installs,
            Metric.NON_CASH_PENSION: self.non_cash_pension,
            Metric.DONATED_CARDS: self.donated,
        }.get(metric, 0)


def day_summary(store: Store, day: date, member_id: str | None, team_id: str | None) -> DaySummary:
    d = day.isoformat()
    with store.reading() as conn:
        consultations, mine, enrolled = conn.execute(
            "SELECT count(*), coalesce(sum(member_id = ?), 0), coalesce(sum(outcome = ?), 0) "
            "FROM consultations WHERE day = ?",
            (member_id, Outcome.ENROLLED.value, d),
        ).fetchone()
        by_metric: dict[str, int] = {}  # insured persons per tally metric, each kind's by its product
        for kind, n in conn.execute(
            "SELECT kind, sum(json_array_length(lines)) FROM enrolments WHERE enrolled_on = ? GROUP BY kind", (d,)
        ):
            metric = products.get(kind).tally_metric
            by_metric[metric] = by_metric.get(metric, 0) + n
        receipts, amount = conn.execute(
            "SELECT count(*), coalesce(sum(r.amount), 0) FROM receipts r "
            "WHERE r.day = ? AND NOT EXISTS (SELECT 1 FROM receipt_voids v WHERE v.receipt_id = r.id)",
            (d,),
        ).fetchone()
        events, attendance = conn.execute(
            "SELECT count(*), coalesce(sum(attendance), 0) FROM events WHERE held_on = ?", (d,)
        ).fetchone()
        results = dict(conn.execute("SELECT kind, count(*) FROM outreach_results WHERE day = ? GROUP BY kind", (d,)))
        due = conn.execute("SELECT count(*) FROM follow_ups WHERE done_at IS NULL AND due_on <= ?", (d,)).fetchone()[0]
        targets = _day_targets(conn, day, team_id) if team_id else {}
    return DaySummary(
        day=day,
        consultations=consultations,
        consultations_mine=mine,
        enrolled=enrolled,
        new_vsi=by_metric.get(Metric.NEW_VSI, 0),
        new_hi=by_metric.get(Metric.NEW_HI, 0),
        donated=by_metric.get(Metric.DONATED_CARDS, 0) + by_metric.get(Metric.DONATED_BOOKS, 0),
        receipts=receipts,
        receipts_amount=amount,
        events=events,
        attendance=attendance,
        vssid_installs=results.get(OutreachKind.VSSID_INSTALL.value, 0),
        non_cash_pension=results.get(OutreachKind.NON_CASH_PENSION.value, 0),
        follow_ups_due=due,
        targets=targets,
    )


def _day_targets(conn, day: date, team_id: str) -> dict[Metric, int]:
    """The team's targets for a day: from a period of kind 'day' covering it."""
    rows = conn.execute(
        "SELECT t.metric, t.value FROM targets t JOIN campaign_periods p ON p.id = t.period_id "
        "WHERE t.scope = 'team' AND t.scope_ref = ?1 AND p.kind = 'day' AND p.starts_on <= ?2 AND p.ends_on >= ?2",
        (team_id, day.isoformat()),
    ).fetchall()
    return {Metric(metric): value for metric, value in rows}


@dataclass(frozen=True, slots=True)
class MemberDay:
    member_id: str
    full_name: str
    role: str
    consultations: int
    receipts: int
    amount: int


def members_day(store: Store, team_id: str, day: date) -> list[MemberDay]:
    d = day.isoformat()
    rows = store.query(
        "SELECT m.id, m.full_name, m.role, "
        "(SELECT count(*) FROM consultations c WHERE c.day = ?1 AND c.member_id = m.id), "
        "(SELECT count(*) FROM receipts r WHERE r.day = ?1 AND r.member_id = m.id), "
        "(SELECT coalesce(sum(amount), 0) FROM receipts r WHERE r.day = ?1 AND r.member_id = m.id) "
        "FROM members m WHERE m.team_id = ?2 AND m.active = 1 ORDER BY m.role = 'member', vi_sort_key(m.full_name)",
        (d, team_id),
    )
    return [MemberDay(*r) for r in rows]


@dataclass(frozen=True, slots=True)
class ConsultationRow:
    id: str
    at: datetime
    person: str | None
    member: str
    target_group: TargetGroup
    topics: tuple[Topic, ...]
    outcome: Outcome
    follow_up_on: date | None
    note: str
    person_id: str | None = None  # None for a walk-in


def recent_consultations(store: Store, limit: int = 500, day: date | None = None) -> list[ConsultationRow]:
    where, params = ("WHERE c.day = ?", [day.isoformat()]) if day else ("", [])
    rows = store.query(
        "SELECT c.id, c.at, p.full_name, m.full_name, c.target_group, c.topics, c.outcome, c.follow_up_on, c.note, "
        "c.person_id "
        "FROM consultations c LEFT JOIN persons p ON p.id = c.person_id JOIN members m ON m.id = c.member_id "
        f"{where} ORDER BY c.at DESC LIMIT ?",
        (*params, limit),
    )
    return [
        ConsultationRow(
            r[0],
            datetime.fromisoformat(r[1]),
            r[2],
            r[3],
            TargetGroup(r[4]),
            tuple(Topic(t) for t in json.loads(r[5])),
            Outcome(r[6]),
            date.fromisoformat(r[7]) if r[7] else None,
            r[8],
            r[9],
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    id: str
    due_on: date
    person: str
    phone: str | None
    hamlet: str | None
    note: str
    person_id: str | None = None


def open_follow_ups(store: Store, due_before: date) -> list[FollowUp]:
    """Follow-ups not done yet whose day came before `due_before`, oldest first."""
    spec = spec_for(FollowUp)
    rows = store.query(
        f"{spec.select_sql} WHERE done_at IS NULL AND due_on < ? ORDER BY due_on, id", (due_before.isoformat(),)
    )
    return [spec.decode(r) for r in rows]


def follow_ups_due(store: Store, day: date, limit: int = 200) -> list[FollowUpRow]:
    rows = store.query(
        "SELECT f.id, f.due_on, p.full_name, p.phone, h.name, f.note, f.person_id FROM follow_ups f "
        "JOIN persons p ON p.id = f.person_id LEFT JOIN hamlets h ON h.id = p.hamlet_id "
        "WHERE f.done_at IS NULL AND f.due_on <= ? ORDER BY f.due_on, p.sort_key LIMIT ?",
        (day.isoformat(), limit),
    )
    return [FollowUpRow(r[0], date.fromisoformat(r[1]), r[2], r[3], r[4], r[5], r[6]) for r in rows]


@dataclass(frozen=True, slots=True)
class EnrolmentRow:
    id: str
    enrolled_on: date
    kind: str  # the product's kind (domain.products)
    person: str
    participants: int
    months: int
    amount: int
    member: str
    person_id: str | None = None  # the payer


def recent_enrolments(store: Store, limit: int = 500) -> list[EnrolmentRow]:
    rows = store.query(
        "SELECT e.id, e.enrolled_on, e.kind, p.full_name, json_array_length(e.lines), e.months, e.amount, m.full_name, "
        "e.person_id "
        "FROM enrolments e JOIN persons p ON p.id = e.person_id JOIN members m ON m.id = e.member_id "
        "ORDER BY e.created_at DESC LIMIT ?",
        (limit,),
    )
    return [
        EnrolmentRow(r[0], date.fromisoformat(r[1]), products.get(r[2]).kind, r[3], r[4], r[5], r[6], r[7], r[8])
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class PaidOnDay:
    """An enrolment paid on a day, with its receipt still valid: what the enrolment dialog says before a
    household pays twice."""

    kind: str  # the product's kind (domain.products)
    receipt: str  # the label people read off the paper, BI-330101-2026/0000012
    amount: int
    start_on: date
    end_on: date
    names: tuple[str, ...]  # the persons it covers, in their order
    collector: str  # the member who took the money


_PAID_ON_DAY = """
WITH ps(id) AS (SELECT value FROM json_each(?1))
SELECT e.kind, r.series, r.number, r.amount, e.start_on, e.end_on, e.person_id, e.lines, m.full_name
FROM enrolments e JOIN payments pa ON pa.enrolment_id = e.id JOIN receipts r ON r.payment_id = pa.id
JOIN members m ON m.id = r.member_id
WHERE e.enrolled_on = ?2 AND NOT EXISTS (SELECT 1 FROM receipt_voids v WHERE v.receipt_id = r.id)
  AND (e.person_id IN ps OR EXISTS (SELECT 1 FROM json_each(e.lines) l WHERE l.value ->> 'person_id' IN ps))
ORDER BY r.issued_at
"""


def paid_on_day(store: Store, person_ids: list[str], day: date) -> list[PaidOnDay]:
    """The enrolments of `day` that any of these persons paid or is covered by, whose receipt is not void,
    in the order they were paid."""
    with store.reading() as conn:
        rows = conn.execute(_PAID_ON_DAY, (json.dumps(person_ids), day.isoformat())).fetchall()
        covered = [[line["person_id"] for line in json.loads(r[7])] or [r[6]] for r in rows]  # a VSI: its payer
        wanted = sorted({p for ids in covered for p in ids})
        names = dict(
            conn.execute(
                "SELECT id, full_name FROM persons WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(wanted),)
            ).fetchall()
        )
    return [
        PaidOnDay(
            products.get(kind).kind,
            f"{series}/{number:07d}",
            amount,
            date.fromisoformat(start),
            date.fromisoformat(end),
            tuple(names.get(i, "") for i in ids),
            collector,
        )
        for (kind, series, number, amount, start, end, _p, _l, collector), ids in zip(rows, covered, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class ReceiptRow:
    id: str
    series: str
    number: int
    day: date
    amount: int
    payer: str
    member: str
    void: bool

    @property
    def label(self) -> str:
        return f"{self.series}/{self.number:07d}"


def receipts(store: Store, day: date | None = None, limit: int = 1000) -> list[ReceiptRow]:
    where, params = ("WHERE r.day = ?", [day.isoformat()]) if day else ("", [])
    rows = store.query(
        "SELECT r.id, r.series, r.number, r.day, r.amount, r.payer_name, m.full_name, "
        "EXISTS (SELECT 1 FROM receipt_voids v WHERE v.receipt_id = r.id) "
        f"FROM receipts r JOIN members m ON m.id = r.member_id {where} ORDER BY r.issued_at DESC LIMIT ?",
        (*params, limit),
    )
    return [ReceiptRow(r[0], r[1], r[2], date.fromisoformat(r[3]), r[4], r[5], r[6], bool(r[7])) for r in rows]


def sites(store: Store, team_id: str) -> list[Site]:
    spec = spec_for(Site)
    return [spec.decode(r) for r in store.query(f"{spec.select_sql} WHERE team_id = ? ORDER BY name", (team_id,))]
