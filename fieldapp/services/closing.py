"""Closing the day: per collector, the receipts issued (count, sum, voids listed) against the cash
counted by denomination and the transfers. A difference must be explained; the closed day is locked (no
new receipt for that day and collector: services.enrolment asks `is_closed`) and audited. A receipt
voided after its day was closed is shown as a correction on the collector's next closing."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from fieldapp.domain.cash import DENOMINATIONS, DayCash, counted
from fieldapp.domain.enums import AuditAction
from fieldapp.domain.formats import local_day
from fieldapp.domain.models import DayClosing, Member
from fieldapp.domain.permissions import Action, require
from fieldapp.errors import InputRefused
from fieldapp.storage import closing as closing_store
from fieldapp.storage import team as team_store
from fieldapp.storage.driver import Connection
from fieldapp.storage.store import Store
from fieldapp.storage.writer import Actor, Writer, writing

MAX_EXPLANATION = 500


def day_cash(store: Store, day: date, collector_id: str) -> DayCash:
    with store.reading() as conn:
        cash = open_cash(conn, day, collector_id)
    closed = closing_store.closing(store, day, collector_id)
    if closed is None:
        return cash
    # the corrections as they were at closing time
    return replace(cash, corrections=closing_store.receipts_voided_by(store, list(closed.corrections)), closed=closed)


def open_cash(conn: Connection, day: date, collector_id: str) -> DayCash:
    """A collector's day as it stands in this transaction, not yet closed: what a closing would count."""
    return DayCash(
        day,
        collector_id,
        closing_store.day_receipts(conn, day, collector_id),
        closing_store.corrections(conn, day, collector_id),
        None,
    )


def close_day(store: Store, actor: Actor, leader: Member, **details: Any) -> DayClosing:
    """Close a collector's day with the cash counted: `close_in`'s `details` (`day`, `collector_id`, `team_id`,
    `notes`: denomination -> number of notes, `explanation`), in a transaction of its own.

    The leader closes: the actor, as the store holds them, must lead (or administer) `team_id` and be the
    `leader` named on the closing, and the collector must be a member of that team."""
    with writing(store, actor) as w:
        return close_in(w, leader, **details)


def close_in(
    w: Writer,
    leader: Member,
    *,
    day: date,
    collector_id: str,
    team_id: str,
    notes: Mapping[int, int],
    explanation: str = "",
) -> DayClosing:
    """`close_day` inside a transaction already open (the demo's, on its own clock)."""
    explanation = _checked_count(notes, explanation)
    cash = _cash_to_close(w, leader, day=day, collector_id=collector_id, team_id=team_id)
    total = counted(notes)
    difference = total - cash.cash_expected
    if difference and not explanation:
        raise InputRefused("closing.explain_difference", difference=difference)
    closed = DayClosing(
        w.ids(),
        day,
        collector_id,
        team_id,
        leader.id,
        w.clock(),
        len(cash.valid),
        cash.issued_amount,
        cash.cash_expected,
        total,
        cash.transfers_amount,
        difference,
        explanation,
        {str(int(d)): int(n) for d, n in notes.items() if int(n)},
        tuple(r.void_id for r in cash.voided if r.void_id),
        tuple(r.void_id for r in cash.corrections if r.void_id),
    )
    w.add(closed, audit=False)  # the row and its outbox op: sync carries it
    w.audit(
        AuditAction.CREATE,
        "day_closings",
        closed.id,
        day=day.isoformat(),
        collector=collector_id,
        receipts=closed.receipts,
        cash_expected=closed.cash_expected,
        cash_counted=total,
        difference=difference,
        corrections=len(closed.corrections),
    )
    return closed


def _checked_count(notes: Mapping[int, int], explanation: str) -> str:
    """The notes are of real denominations, none counted below zero; the explanation, stripped, not too long."""
    for denomination, n in notes.items():
        if int(denomination) not in DENOMINATIONS:
            raise InputRefused("closing.bad_denomination", value=denomination)
        if int(n) < 0:
            raise InputRefused("closing.negative_count", value=n)
    explanation = explanation.strip()
    if len(explanation) > MAX_EXPLANATION:
        raise InputRefused("closing.explanation_long", maximum=MAX_EXPLANATION)
    return explanation


def _cash_to_close(w: Writer, leader: Member, *, day: date, collector_id: str, team_id: str) -> DayCash:
    """The day's cash, once it is sure the actor may close it: the actor leads the team and is the leader
    named; the collector is of the team; the day is over and not closed yet. Read inside the closing's own
    transaction."""
    acting = team_store.member_in(w.conn, w.actor.member_id)
    require(acting, Action.CLOSE_DAY, team_id)
    if acting is None or acting.id != leader.id:
        raise InputRefused("closing.needs_leader")
    collector = team_store.member_in(w.conn, collector_id)
    if collector is None or collector.team_id != team_id:
        raise InputRefused("closing.not_in_team")
    if local_day(w.clock()) < day:
        raise InputRefused("closing.future_day")
    if closing_store.is_closed(w.conn, day, collector_id):
        raise InputRefused("closing.already_closed")
    return open_cash(w.conn, day, collector_id)


def notes_json(notes: Mapping[int, int]) -> str:
    return json.dumps({str(k): v for k, v in sorted(notes.items(), reverse=True)})


def save_slip(
    store: Store,
    cash: DayCash,
    leader: Member,
    path,
    notes: Mapping[int, int] | None = None,
    explanation: str | None = None,
):
    """Write the day's GIẤY NỘP TIỀN MẶT as PDF: the counted notes of the closing (or those given)."""
    from fieldapp.domain.admin_units import province_title, provinces
    from fieldapp.outputs import as_output, write_bytes
    from fieldapp.printing.cash_slip import SlipParties, cash_slip_pdf
    from fieldapp.storage import team as team_store

    collector = team_store.member(store, cash.collector_id)
    team = team_store.current_team(store)
    province = provinces().get(team.province_code) if team else None
    office = f"BẢO HIỂM XÃ HỘI {province_title(province.name, province.kind)}" if province else "BẢO HIỂM XÃ HỘI"
    parties = SlipParties(
        office=office,
        organisation=team.organisation if team else "",
        team=team.name if team else "",
        collector=collector.full_name if collector else cash.collector_id,
        collector_code=collector.code if collector else "",
        receiver=leader.full_name,
    )
    if cash.closed is not None:
        notes, explanation = cash.closed.note_counts, cash.closed.explanation
    buffer = io.BytesIO()
    cash_slip_pdf(cash, parties, buffer, dict(notes or {}), explanation or "")
    return write_bytes(as_output(path, data_dir=store.data_dir.root), buffer.getvalue())
