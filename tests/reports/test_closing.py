"""Closing the day: receipts against the cash counted, a difference explained, the day locked and
audited, a later void shown as a correction on the next closing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldapp.domain.cash import counted
from fieldapp.domain.enums import PaymentMethod
from fieldapp.errors import InputRefused
from fieldapp.services import closing
from fieldapp.services import receipts as receipt_service
from fieldapp.storage.writer import Actor
from tests.conftest import DEMO_END
from tests.reports.helpers import at, enrol_hi, team_and_people

DAY = DEMO_END + timedelta(days=2)  # after the demo's work: only what the test makes


def _fixed(monkeypatch, moment):
    import fieldapp.services.closing as mod

    monkeypatch.setattr(mod, "writing", _writing_at(moment))


def _writing_at(moment):
    from fieldapp.storage import writer

    def writing(store, actor, **kw):
        kw["clock"] = lambda: moment
        return writer.writing(store, actor, **kw)

    return writing


def test_close_a_day_with_a_difference_explained_then_locked(demo_store, monkeypatch):
    team, leader, member = team_and_people(demo_store)
    a = enrol_hi(demo_store, member, team, at(DAY, 2))
    b = enrol_hi(demo_store, member, team, at(DAY, 3), PaymentMethod.TRANSFER, "CK-0001")
    c = enrol_hi(demo_store, member, team, at(DAY, 4))
    actor = Actor(leader.id, demo_store.device_id)
    receipt_service.void(demo_store, actor, c.receipt.id, "Ghi sai", leader)
    cash = closing.day_cash(demo_store, DAY, member.id)
    assert [r.id for r in cash.voided] == [c.receipt.id]
    assert cash.cash_expected == a.receipt.amount
    assert cash.transfers_amount == b.receipt.amount
    (bhyt, bhxh, *donated) = cash.products()
    assert (bhyt.product, bhyt.receipts, bhyt.amount) == ("BHYT", 1, a.receipt.amount)
    assert bhxh.receipts == 0 and [d.receipts for d in donated] == [0, 0]
    _fixed(monkeypatch, at(DAY, 10))
    notes = {500_000: a.receipt.amount // 500_000}
    short = a.receipt.amount - counted(notes)
    with pytest.raises(InputRefused) as err:
        closing.close_day(demo_store, actor, leader, day=DAY, collector_id=member.id, team_id=team.id, notes=notes)
    assert err.value.code == "closing.explain_difference"
    with pytest.raises(InputRefused) as err:
        closing.close_day(demo_store, Actor(member.id, demo_store.device_id), member, day=DAY,
                          collector_id=member.id, team_id=team.id, notes=notes, explanation="x")  # fmt: skip
    assert err.value.code == "closing.needs_leader"
    done = closing.close_day(demo_store, actor, leader, day=DAY, collector_id=member.id, team_id=team.id,
                             notes=notes, explanation="Thiếu tiền lẻ, nộp bù ngày mai")  # fmt: skip
    assert done.difference == -short and len(done.voids) == 1
    assert done.receipts == 2 and done.cash_counted == counted(notes)
    audit = demo_store.query("SELECT action, entity FROM audit_log WHERE entity_id = ?", (done.id,))
    assert audit == [("create", "day_closings")]
    with pytest.raises(InputRefused) as err:
        enrol_hi(demo_store, member, team, at(DAY, 11))
    assert err.value.code == "closing.day_closed"
    with pytest.raises(InputRefused) as err:
        closing.close_day(demo_store, actor, leader, day=DAY, collector_id=member.id, team_id=team.id, notes=notes,
                          explanation="x")  # fmt: skip
    assert err.value.code == "closing.already_closed"
    # another collector is not locked by it
    enrol_hi(demo_store, leader, team, at(DAY, 11))
    with pytest.raises(Exception):  # noqa: B017 - the table refuses edits
        demo_store.query("UPDATE day_closings SET explanation = 'x'")


def test_a_void_after_closing_is_a_correction_the_next_day(demo_store, monkeypatch):
    team, leader, member = team_and_people(demo_store)
    actor = Actor(leader.id, demo_store.device_id)
    a = enrol_hi(demo_store, member, team, at(DAY, 2))
    _fixed(monkeypatch, at(DAY, 10))
    notes = {1_000: a.receipt.amount // 1_000}
    extra = a.receipt.amount % 1_000
    closing.close_day(demo_store, actor, leader, day=DAY, collector_id=member.id, team_id=team.id, notes=notes,
                      explanation="lẻ" if extra else "")  # fmt: skip
    monkeypatch.setattr(receipt_service, "writing", _writing_at(at(DAY, 12)))
    receipt_service.void(demo_store, actor, a.receipt.id, "Trùng biên lai", leader)
    nxt = DAY + timedelta(days=1)
    b = enrol_hi(demo_store, member, team, at(nxt, 2))
    cash = closing.day_cash(demo_store, nxt, member.id)
    assert [r.id for r in cash.corrections] == [a.receipt.id]
    assert cash.cash_expected == b.receipt.amount - a.receipt.amount
    _fixed(monkeypatch, at(nxt, 10))
    done = closing.close_day(demo_store, actor, leader, day=nxt, collector_id=member.id, team_id=team.id,
                             notes={}, explanation="Trả lại tiền biên lai trùng")  # fmt: skip
    assert len(done.corrections) == 1
    assert closing.day_cash(demo_store, nxt, member.id).corrections[0].id == a.receipt.id
    # shown once only: the day after has no correction left
    assert closing.day_cash(demo_store, nxt + timedelta(days=1), member.id).corrections == []
    # the closed day still reads as it was closed
    first = closing.day_cash(demo_store, DAY, member.id)
    assert first.closed is not None and first.closed.receipts == 1


def test_the_cash_slip_pdf(demo_store, monkeypatch, tmp_path):
    from pypdf import PdfReader

    from fieldapp.domain.words import amount_in_words

    team, leader, member = team_and_people(demo_store)
    a = enrol_hi(demo_store, member, team, at(DAY, 2))
    enrol_hi(demo_store, member, team, at(DAY, 3), PaymentMethod.TRANSFER, "CK-77")
    _fixed(monkeypatch, at(DAY, 10))
    notes = {1_000: a.receipt.amount // 1_000}
    closing.close_day(demo_store, Actor(leader.id, demo_store.device_id), leader, day=DAY, collector_id=member.id,
                      team_id=team.id, notes=notes, explanation="tiền lẻ")  # fmt: skip
    cash = closing.day_cash(demo_store, DAY, member.id)
    path = closing.save_slip(demo_store, cash, leader, tmp_path / "slip.pdf")
    text = " ".join(PdfReader(path).pages[0].extract_text().split())
    assert "GIẤY NỘP TIỀN MẶT" in text and "BẢO HIỂM XÃ HỘI TỈNH HƯNG YÊN" in text.upper()
    assert " ".join(amount_in_words(a.receipt.amount).split()) in text
    assert "CK-77" in text and "500.000" in text and member.full_name in text


def test_a_correction_bigger_than_the_days_cash_still_closes(demo_store, monkeypatch, tmp_path):
    """Found by the demo's voids: a cash receipt and a transfer of a closed day voided the next day, when the
    collector took nothing. The day gives back more cash than it took (expected below 0), and a transfer
    given back is no transfer of that day: the closing was refused as an invalid record on both."""
    from pypdf import PdfReader

    team, leader, member = team_and_people(demo_store)
    actor = Actor(leader.id, demo_store.device_id)
    a = enrol_hi(demo_store, member, team, at(DAY, 2))
    b = enrol_hi(demo_store, member, team, at(DAY, 3), PaymentMethod.TRANSFER, "CK-0002")
    _fixed(monkeypatch, at(DAY, 10))
    closing.close_day(demo_store, actor, leader, day=DAY, collector_id=member.id, team_id=team.id,
                      notes={1_000: a.receipt.amount // 1_000}, explanation="lẻ")  # fmt: skip
    nxt = DAY + timedelta(days=1)
    monkeypatch.setattr(receipt_service, "writing", _writing_at(at(nxt, 1)))
    receipt_service.void(demo_store, actor, a.receipt.id, "Trùng biên lai", leader)
    receipt_service.void(demo_store, actor, b.receipt.id, "Người nộp đề nghị huỷ", leader)
    cash = closing.day_cash(demo_store, nxt, member.id)
    assert cash.cash_expected == -a.receipt.amount and cash.transfers_amount == 0
    _fixed(monkeypatch, at(nxt, 10))
    done = closing.close_day(demo_store, actor, leader, day=nxt, collector_id=member.id, team_id=team.id,
                             notes={}, explanation="Trả lại tiền hai biên lai")  # fmt: skip
    assert (done.cash_expected, done.difference, len(done.corrections)) == (-a.receipt.amount, a.receipt.amount, 2)
    path = closing.save_slip(demo_store, closing.day_cash(demo_store, nxt, member.id), leader, tmp_path / "s.pdf")
    text = " ".join(PdfReader(path).pages[0].extract_text().split())
    assert "\x00" not in text and "Trả lại tiền hai biên lai" in text
