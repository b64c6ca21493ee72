"""Enrolling from the household panel: the premium is shown before the money is taken, priced on the day
with the rules version named; members see which rules are unconfirmed, that the rules may be stale, and who
of the household the state covers instead."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from fieldapp.domain import clock
from fieldapp.domain.enums import EnrolmentKind
from fieldapp.domain.formats import format_date, format_vnd
from tests.ui.test_app import WAIT

DAY = date(2026, 12, 7)  # the dialog prices on the controller's day: fixed, so the tests do not age


@pytest.fixture
def gui(signed_in, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    signed_in.shown = shown
    signed_in.enrolling.today = lambda: DAY
    signed_in.window.show_screen("people")
    return signed_in


def open_enrol(qtbot, gui):
    view = gui.window.views["people"]
    qtbot.waitUntil(lambda: view.panel.person_id is not None, timeout=WAIT)
    qtbot.keyClick(view.panel, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: gui.enrolling.dialog is not None and gui.enrolling.dialog.isVisible(), timeout=WAIT)
    return gui.enrolling.dialog


def count(gui, table):
    return gui.session.store.query_one(f"SELECT count(*) FROM {table}")[0]


def test_household_hi_priced_then_paid(qtbot, gui):
    dialog = open_enrol(qtbot, gui)
    assert dialog.kind() is EnrolmentKind.HOUSEHOLD_HI
    assert "Tổng cộng" in dialog.quote.text() and "đồng" in dialog.quote.text()
    assert "Nghị định" in dialog.quote.text()  # the legal basis of every rule used
    before = {t: count(gui, t) for t in ("enrolments", "payments", "receipts")}
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    assert {t: count(gui, t) - n for t, n in before.items()} == {"enrolments": 1, "payments": 1, "receipts": 1}
    assert "BI-" in gui.enrolling.saved_message
    # one message, in the status bar: no box to close before the receipt prints (issue 18, item 10)
    assert gui.shown == [] and gui.window.statusBar().currentMessage() == gui.enrolling.saved_message


def test_vsi_income_below_the_floor_cannot_be_taken(qtbot, gui):
    dialog = open_enrol(qtbot, gui)
    dialog.kinds[EnrolmentKind.VSI].click()
    dialog.income.setValue(1_000_000)
    assert not dialog.confirm.isEnabled()
    assert "1.500.000" in dialog.message.text()
    assert "Nghị định 07/2021/NĐ-CP" in dialog.message.text()  # the floor's legal basis
    dialog.income.setValue(2_200_000)  # at or above the floor on either side of 2027-01-01, when it is saved
    assert dialog.confirm.isEnabled(), dialog.message.text()
    assert "484.000" in dialog.quote.text()  # 22 % of 2,200,000
    dialog.method.setCurrentIndex(1)  # transfer without its reference
    before = count(gui, "receipts")
    dialog.confirm_requested.emit()
    qtbot.waitUntil(lambda: "mã giao dịch" in dialog.message.text(), timeout=WAIT)
    assert count(gui, "receipts") == before and dialog.isVisible()
    dialog.reference.setText("FT123456")
    dialog.confirm_requested.emit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    assert count(gui, "receipts") == before + 1


def test_donated_card_needs_its_sponsor(qtbot, gui):
    dialog = open_enrol(qtbot, gui)
    dialog.kinds[EnrolmentKind.DONATED_HI].click()
    dialog.confirm_requested.emit()
    assert "đơn vị hoặc người tặng" in dialog.message.text()
    dialog.sponsor.setCurrentText("Hội Chữ thập đỏ")
    dialog.confirm_requested.emit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    sponsor = gui.session.store.query_one("SELECT sponsor FROM enrolments ORDER BY created_at DESC LIMIT 1")[0]
    assert sponsor == "Hội Chữ thập đỏ"


# --- the rules of 2027 (issue 14) -------------------------------------------------------------------------


def test_the_quote_names_the_rules_and_marks_unconfirmed_ones_only_beside_their_basis(qtbot, gui):
    gui.enrolling.today = lambda: date(2027, 1, 5)
    dialog = open_enrol(qtbot, gui)
    dialog.kinds[EnrolmentKind.VSI].click()
    dialog.income.setValue(1_500_000)
    assert "2.200.000" in dialog.message.text() and "Nghị định 351/2025/NĐ-CP" in dialog.message.text()
    dialog.income.setValue(2_200_000)
    dialog.vsi_months.setCurrentIndex(dialog.vsi_months.findData(60))
    text = dialog.quote.text()
    assert "484.000" in text and "quy định mức đóng 2027.1" in text and "Mức đóng mỗi tháng (22 %)" in text
    priced, basis = text.split("<ul>")
    assert "chưa đối chiếu" not in priced  # the figures the person reads
    assert "Lãi suất bình quân tháng của quỹ BHXH năm 2026 (do BHXH Việt Nam công bố) (chưa đối chiếu" in basis
    assert "có thể đã cũ" not in text  # checked 29 days ago
    dialog.reject()


def test_rules_not_checked_for_30_days_are_said_to_be_maybe_stale(qtbot, gui):
    gui.enrolling.today = lambda: date(2027, 2, 10)  # the demo laptop never synced: its rules are of 2026-12-07
    dialog = open_enrol(qtbot, gui)
    assert "có thể đã cũ" in dialog.quote.text() and "07/12/2026" in dialog.quote.text()
    assert dialog.confirm.isEnabled()  # the quote still works
    dialog.reject()


def test_a_member_the_state_covers_is_not_priced_in_household_hi(qtbot, gui):
    view = gui.window.views["people"]
    qtbot.waitUntil(lambda: view.panel.person_id is not None, timeout=WAIT)
    store = gui.session.store
    person_id = view.panel.person_id
    household = store.query_one("SELECT household_id FROM persons WHERE id = ?", (person_id,))[0]
    other = store.query_one(
        "SELECT id, full_name FROM persons WHERE household_id = ? AND id <> ? AND erased_at IS NULL LIMIT 1",
        (household, person_id),
    )
    assert other is not None, "the demo's first person lives alone"
    with store.transaction() as conn:
        conn.execute("UPDATE persons SET target_group = 'poor' WHERE id = ?", (other[0],))
    dialog = open_enrol(qtbot, gui)
    assert dialog.kind() is EnrolmentKind.HOUSEHOLD_HI
    assert other[0] not in dialog.member_ids()
    rows = [dialog.members.item(i) for i in range(dialog.members.count())]
    (row,) = [r for r in rows if r.data(Qt.ItemDataRole.UserRole) == other[0]]
    assert not row.flags() & Qt.ItemFlag.ItemIsUserCheckable and "không tham gia BHYT hộ gia đình" in row.text()
    assert dialog.state_note.isVisibleTo(dialog)
    assert other[1] in dialog.state_note.text() and "ngân sách nhà nước đóng toàn bộ thẻ" in dialog.state_note.text()
    dialog.reject()


def test_the_person_the_state_covers_is_offered_voluntary_si_with_the_states_support(qtbot, gui):
    view = gui.window.views["people"]
    qtbot.waitUntil(lambda: view.panel.person_id is not None, timeout=WAIT)
    with gui.session.store.transaction() as conn:
        conn.execute("UPDATE persons SET target_group = 'near_poor' WHERE id = ?", (view.panel.person_id,))
    dialog = open_enrol(qtbot, gui)
    assert dialog.kind() is EnrolmentKind.VSI
    assert dialog.support_group.currentData() == "near_poor"
    dialog.kinds[EnrolmentKind.HOUSEHOLD_HI].click()
    assert view.panel.person_id not in dialog.member_ids() and not dialog.confirm.isEnabled()
    dialog.reject()


def test_a_pupil_is_told_the_card_comes_through_the_school(qtbot, gui):
    view = gui.window.views["people"]
    qtbot.waitUntil(lambda: view.panel.person_id is not None, timeout=WAIT)
    with gui.session.store.transaction() as conn:
        conn.execute("UPDATE persons SET target_group = 'student' WHERE id = ?", (view.panel.person_id,))
    dialog = open_enrol(qtbot, gui)
    assert dialog.kind() is EnrolmentKind.HOUSEHOLD_HI and not dialog.confirm.isEnabled()
    assert "tham gia BHYT tại trường" in dialog.message.text()
    dialog.reject()


# --- F3 again on a household that paid today (issue 18, item 10) -------------------------------------------


def enrol_again(qtbot, gui, before, person_id):
    """F3 on the same person again. The panel reloads after a save (the People list follows it), and F3 in
    that moment has no person: the controller is asked as F3 asks it, once it has the person again."""
    panel = gui.window.views["people"].panel
    qtbot.waitUntil(lambda: panel.person_id == person_id, timeout=WAIT)
    gui.enrolling.enrol(person_id)
    qtbot.waitUntil(lambda: gui.enrolling.dialog not in (None, before), timeout=WAIT)
    qtbot.waitUntil(gui.enrolling.dialog.isVisible, timeout=WAIT)
    return gui.enrolling.dialog


def last_paid(gui):
    return gui.session.store.query_one(
        "SELECT r.id, r.series, r.number, r.amount, e.end_on FROM receipts r JOIN payments p ON p.id = r.payment_id "
        "JOIN enrolments e ON e.id = p.enrolment_id ORDER BY r.issued_at DESC LIMIT 1"
    )


def test_f3_again_on_a_household_that_paid_today_says_so_and_waits_for_a_tick(qtbot, gui, tmp_path):
    from fieldapp.settings import RECEIPT_DESTINATION, RECEIPT_FOLDER

    gui.enrolling.today = clock.today  # the day the receipt is dated by
    gui.session.settings.set(RECEIPT_DESTINATION, "pdf")  # receipts print to files: no printer's box in between
    gui.session.settings.set(RECEIPT_FOLDER, str(tmp_path))
    dialog = open_enrol(qtbot, gui)
    assert dialog.paid_box.isHidden() and dialog.confirm.isEnabled()  # nothing paid today yet
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    receipt_id, series, number, amount, end_on = last_paid(gui)
    end = date.fromisoformat(end_on)

    again = enrol_again(qtbot, gui, dialog, dialog.person.id)
    assert again.paid_box.isVisibleTo(again)
    note = again.paid_note.text()
    assert "Hộ này đã đóng tiền hôm nay" in note and f"{series}/{number:07d}" in note
    assert format_vnd(amount, "vi") in note and f"đã đóng đến {format_date(end)}" in note
    assert dialog.person.full_name in note
    # the period offered starts after what was paid, and nothing is taken until the member says so
    assert f"Có giá trị từ {format_date(end + timedelta(days=1))}" in again.quote.text()
    assert not again.confirm.isEnabled()
    before = count(gui, "receipts")
    qtbot.keyClick(again, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert count(gui, "receipts") == before and again.isVisible()
    assert "đánh dấu ô “Thu thêm lần nữa”" in again.message.text() and again.focusWidget() is again.again
    qtbot.keyClick(again.again, Qt.Key.Key_Space)
    assert again.confirm.isEnabled() and again.message.text() == ""
    qtbot.keyClick(again, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not again.isVisible(), timeout=WAIT)
    assert count(gui, "receipts") == before + 1

    # a voided receipt was not paid: only the one still valid is said
    from fieldapp.services import receipts

    leader = gui.session.member
    receipts.void(gui.session.store, gui.session.actor, receipt_id, "Nhập sai số tháng", leader)
    third = enrol_again(qtbot, gui, again, dialog.person.id)
    note = third.paid_note.text()
    assert f"{series}/{number:07d}" not in note and note.count("<li>") == 1
    third.reject()


def test_a_receipt_of_another_day_is_not_said(qtbot, gui):
    """The demo household's earlier payments are not today's: the dialog opens as it always did."""
    gui.enrolling.today = lambda: DAY + timedelta(days=1)
    dialog = open_enrol(qtbot, gui)
    assert dialog.paid_box.isHidden() and dialog.confirm.isEnabled()
    dialog.reject()
