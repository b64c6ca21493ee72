"""Voids in the tallies (issue 17, item 3): a void takes the receipt out of the day it belongs to while
that collector's day is open; once the day is closed the closed figures stay as signed and the void is a
named correction on a later day, as the cash side's closing already shows it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.domain import models as m
from fieldapp.domain.enums import Metric
from fieldapp.domain.formats import format_vnd, local_day
from fieldapp.i18n import t
from fieldapp.reports import export
from fieldapp.reports.tallies import Report, build
from fieldapp.services import closing
from fieldapp.services import receipts as receipt_service
from fieldapp.storage import tallies as tally_store
from fieldapp.storage.writer import Actor, writing
from tests.conftest import DEMO_END
from tests.reports.helpers import at, enrol_hi, team_and_people

DAY = DEMO_END + timedelta(days=2)  # after the demo's work: only what the test makes
NEXT = DAY + timedelta(days=1)


def _void(store, monkeypatch, leader, receipt_id, when):
    from fieldapp.storage import writer

    def writing_at(s, actor, **kw):
        kw["clock"] = lambda: when
        return writer.writing(s, actor, **kw)

    monkeypatch.setattr(receipt_service, "writing", writing_at)
    return receipt_service.void(store, Actor(leader.id, store.device_id), receipt_id, "Ghi sai", leader)


def _close(store, monkeypatch, team, leader, member, day, when):
    from fieldapp.storage import writer

    def writing_at(s, actor, **kw):
        kw["clock"] = lambda: when
        return writer.writing(s, actor, **kw)

    monkeypatch.setattr(closing, "writing", writing_at)
    return closing.close_day(store, Actor(leader.id, store.device_id), leader, day=day, collector_id=member.id,
                             team_id=team.id, notes={}, explanation="chưa nộp")  # fmt: skip


def _done(report: Report) -> dict[Metric, int]:
    return {metric: done for metric, done, _target in report.summary}


def _member_row(report: Report, name: str) -> dict[str, object] | None:
    table = report.table("member")
    row = next((r for r in table.rows if r[0] == name), None)
    return dict(zip((c.code for c in table.columns), row, strict=True)) if row else None


def _no_negative_member_row(report: Report) -> None:
    table = report.table("member")
    for row in table.rows:
        for value, column in zip(row, table.columns, strict=True):
            if column.kind in ("count", "money"):
                assert value is None or value >= 0, (row[0], column.code, value)


def _corrections(report: Report) -> list[list[object]]:
    return next((tb.rows for tb in report.tables if tb.key == "corrections"), [])


def _rollup(store) -> list[tuple]:
    return store.query("SELECT * FROM tallies ORDER BY 1, 2, 3, 4, 5")


def _same_as_rebuilt(store) -> None:
    kept = store.query("SELECT * FROM tallies ORDER BY 1, 2, 3, 4, 5")
    tally_store.rebuild(store)
    assert store.query("SELECT * FROM tallies ORDER BY 1, 2, 3, 4, 5") == kept


def test_a_void_the_same_day_takes_the_receipt_out_of_that_day(demo_store, monkeypatch):
    team, leader, member = team_and_people(demo_store)
    a = enrol_hi(demo_store, member, team, at(DAY, 2))
    b = enrol_hi(demo_store, member, team, at(DAY, 3))
    _void(demo_store, monkeypatch, leader, b.receipt.id, at(DAY, 5))
    report = build(demo_store, DAY, DAY, [team.id])
    assert report.collected == a.receipt.amount
    assert _done(report)[Metric.NEW_HI] == len(a.enrolment.lines)
    assert (report.voids, report.voids_amount) == (1, b.receipt.amount)
    row = _member_row(report, member.full_name)
    assert row is not None and row["collected"] == a.receipt.amount and row[Metric.NEW_HI.value] == 1
    _no_negative_member_row(report)
    assert _corrections(report) == []
    _same_as_rebuilt(demo_store)


def test_a_void_the_next_day_of_an_open_day_counts_on_the_receipts_day(demo_store, monkeypatch):
    team, leader, member = team_and_people(demo_store)
    a = enrol_hi(demo_store, member, team, at(DAY, 2))
    before_next = build(demo_store, NEXT, NEXT, [team.id])
    _void(demo_store, monkeypatch, leader, a.receipt.id, at(NEXT, 2))
    day = build(demo_store, DAY, DAY, [team.id])
    assert day.collected == 0 and _done(day)[Metric.NEW_HI] == 0
    assert day.voids == 0  # the voids metric stays on the day the void was made
    _no_negative_member_row(day)
    nxt = build(demo_store, NEXT, NEXT, [team.id])
    assert nxt.collected == before_next.collected == 0
    assert _done(nxt) == _done(before_next)
    assert (nxt.voids, nxt.voids_amount) == (1, a.receipt.amount)
    _no_negative_member_row(nxt)
    assert _corrections(day) == _corrections(nxt) == []
    _same_as_rebuilt(demo_store)


def test_a_void_after_the_day_was_closed_is_a_named_correction_on_a_later_day(demo_store, monkeypatch, tmp_path):
    team, leader, member = team_and_people(demo_store)
    a = enrol_hi(demo_store, member, team, at(DAY, 2))
    _close(demo_store, monkeypatch, team, leader, member, DAY, at(DAY, 10))
    signed = build(demo_store, DAY, DAY, [team.id])
    _void(demo_store, monkeypatch, leader, a.receipt.id, at(NEXT, 2))
    day = build(demo_store, DAY, DAY, [team.id])
    assert day.collected == signed.collected == a.receipt.amount
    assert _done(day) == _done(signed) and _corrections(day) == []
    nxt = build(demo_store, NEXT, NEXT, [team.id])
    assert nxt.collected == -a.receipt.amount
    assert _done(nxt)[Metric.NEW_HI] == -len(a.enrolment.lines)
    assert (nxt.voids, nxt.voids_amount) == (1, a.receipt.amount)
    label = f"{a.receipt.series}/{a.receipt.number:07d}"
    line = t("tallies.correction", "vi", receipt=label, day=f"{DAY:%d/%m/%Y}", name=member.full_name,
             amount=format_vnd(a.receipt.amount))  # fmt: skip
    assert line.startswith("Điều chỉnh: huỷ biên lai ")
    assert f"{label} ngày {DAY:%d/%m/%Y} ({member.full_name}), -{format_vnd(a.receipt.amount)}" in line
    assert _corrections(nxt) == [[f"{NEXT:%d/%m/%Y}", line]]
    english = build(demo_store, NEXT, NEXT, [team.id], lang="en")
    ((_day, en_line),) = _corrections(english)
    assert label in en_line and member.full_name in en_line and en_line != line
    # a period that holds both days shows the correction, and the net of the two days
    both = build(demo_store, DAY, NEXT, [team.id])
    assert both.collected == 0 and _corrections(both) == [[f"{NEXT:%d/%m/%Y}", line]]
    # the files carry the line
    csv_path = export.write(nxt, tmp_path / "t.csv", "csv")
    assert line in csv_path.read_text(encoding="utf-8-sig")
    from openpyxl import load_workbook

    xlsx = load_workbook(export.write(nxt, tmp_path / "t.xlsx", "xlsx"))
    assert any(line in str(c.value) for ws in xlsx.worksheets for r in ws.iter_rows() for c in r if c.value)
    from pypdf import PdfReader

    pdf = export.write(nxt, tmp_path / "t.pdf", "pdf", DAY)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert label in text and "Điều chỉnh" in text
    _same_as_rebuilt(demo_store)


def test_a_void_the_same_day_after_closing_lands_on_the_next_day(demo_store, monkeypatch):
    """A void made on the closed day itself, after the closing: the signed figures stay, the correction
    goes to the next day, as the cash side shows it on the next closing."""
    team, leader, member = team_and_people(demo_store)
    a = enrol_hi(demo_store, member, team, at(DAY, 2))
    _close(demo_store, monkeypatch, team, leader, member, DAY, at(DAY, 8))
    _void(demo_store, monkeypatch, leader, a.receipt.id, at(DAY, 9))
    day = build(demo_store, DAY, DAY, [team.id])
    assert day.collected == a.receipt.amount and _done(day)[Metric.NEW_HI] == 1
    nxt = build(demo_store, NEXT, NEXT, [team.id])
    assert nxt.collected == -a.receipt.amount and len(_corrections(nxt)) == 1
    _same_as_rebuilt(demo_store)


def _add_closing(store, leader, member, team, day: date, when) -> None:
    """A closing as a pull brings it (the row arrives after a void made later than it)."""
    closed = m.DayClosing(
        f"dc-{day.isoformat()}-{member.id}", day, member.id, team.id, leader.id, when, 0, 0, 0, 0, 0, 0, "", {}, (),
        (),
    )  # fmt: skip
    with writing(store, Actor(leader.id, store.device_id), clock=lambda: when) as w:
        w.add(closed, audit=False)


def _add_void(store, leader, receipt_id: str, when) -> None:
    with writing(store, Actor(leader.id, store.device_id), clock=lambda: when) as w:
        w.add(m.ReceiptVoid(f"v-{receipt_id}", receipt_id, "x", leader.id, when), audit=False)


def test_a_closing_pulled_after_a_later_void_moves_the_void_to_a_later_day(demo_store):
    team, leader, member = team_and_people(demo_store)
    a = enrol_hi(demo_store, member, team, at(DAY, 2))
    _add_void(demo_store, leader, a.receipt.id, at(NEXT, 2))
    assert build(demo_store, DAY, DAY, [team.id]).collected == 0
    _add_closing(demo_store, leader, member, team, DAY, at(DAY, 10))  # closed before the void was made
    assert build(demo_store, DAY, DAY, [team.id]).collected == a.receipt.amount
    nxt = build(demo_store, NEXT, NEXT, [team.id])
    assert nxt.collected == -a.receipt.amount and len(_corrections(nxt)) == 1
    _same_as_rebuilt(demo_store)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    receipts=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 12)), min_size=1, max_size=4),
    events=st.lists(
        st.tuples(st.sampled_from(("void", "close")), st.integers(0, 3), st.integers(0, 23), st.integers(0, 72)),
        max_size=8,
    ),
)
def test_the_rollup_kept_by_the_triggers_is_what_a_rebuild_makes(demo_template, open_store, tmp_path, receipts, events):
    """Random receipts, then voids and closings at random moments, arriving in a random order (as a pull
    brings them): the rollup the triggers keep is the one `rebuild` adds up from the facts, and each day's
    money is what the rule says, worked out here apart from the SQL. Each example on a copy of the demo."""
    import shutil
    import uuid

    from fieldapp.paths import DataDir

    copy = tmp_path / uuid.uuid4().hex
    shutil.copytree(demo_template, copy)
    demo_store = open_store(DataDir(copy))
    team, leader, member = team_and_people(demo_store)
    base = DAY
    made = [enrol_hi(demo_store, member, team, at(base + timedelta(days=d), h)) for d, h in sorted(receipts)]
    voids: dict[str, datetime] = {}
    closings: dict[date, datetime] = {}
    for kind, pick, hour, offset in events:
        if kind == "void":
            receipt = made[pick % len(made)].receipt
            if receipt.id not in voids:
                voids[receipt.id] = at(receipt.day, 0) + timedelta(hours=hour + offset)
                _add_void(demo_store, leader, receipt.id, voids[receipt.id])
        else:
            day = base + timedelta(days=pick)
            if day not in closings:
                closings[day] = at(day, 0) + timedelta(hours=hour + offset)
                _add_closing(demo_store, leader, member, team, day, closings[day])
    kept = _rollup(demo_store)
    tally_store.rebuild(demo_store)
    assert _rollup(demo_store) == kept
    expected: dict[date, int] = {}
    for e in made:
        r = e.receipt
        expected[r.day] = expected.get(r.day, 0) + r.amount
        if r.id in voids:
            closed_at = closings.get(r.day)
            if closed_at is not None and closed_at < voids[r.id]:
                on = max(local_day(voids[r.id]), r.day + timedelta(days=1))
            else:
                on = r.day
            expected[on] = expected.get(on, 0) - r.amount
    got = dict(
        demo_store.query(
            "SELECT day, sum(amount) FROM tallies WHERE day >= ? AND dim = 'member' AND metric = 'collected' "
            "GROUP BY day",
            (base.isoformat(),),
        )
    )
    assert {date.fromisoformat(d): a for d, a in got.items() if a} == {d: a for d, a in expected.items() if a}


def test_a_pulled_edit_of_the_person_refreshes_the_day_a_correction_lands_on(demo_store, monkeypatch):
    """`refresh_after_pull` recounts the days of the facts naming an edited person: a correction's day is
    one of them even when it is neither the receipt's day nor the day the void was made (a void made on the
    closed day itself lands on the day after)."""
    team, leader, member = team_and_people(demo_store)
    a = enrol_hi(demo_store, member, team, at(DAY, 2))
    _close(demo_store, monkeypatch, team, leader, member, DAY, at(DAY, 8))
    _void(demo_store, monkeypatch, leader, a.receipt.id, at(DAY, 9))
    (commune,) = demo_store.query_one(
        "SELECT code FROM communes WHERE code <> (SELECT coalesce(commune_code, '') FROM persons WHERE id = ?) "
        "ORDER BY code LIMIT 1",
        (a.enrolment.person_id,),
    )
    demo_store.query("UPDATE persons SET commune_code = ? WHERE id = ?", (commune, a.enrolment.person_id))
    days = tally_store.refresh_after_pull(demo_store, {"persons": {a.enrolment.person_id}})
    assert DAY in days and NEXT in days
    _same_as_rebuilt(demo_store)
