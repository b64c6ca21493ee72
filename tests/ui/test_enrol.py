"""Enrolling from the household panel: the premium is shown before the money is taken."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from fieldapp.domain.enums import EnrolmentKind
from tests.ui.test_app import WAIT


@pytest.fixture
def gui(signed_in, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    signed_in.shown = shown
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
    assert "BI-" in gui.shown[-1]


def test_vsi_income_below_the_floor_cannot_be_taken(qtbot, gui):
    dialog = open_enrol(qtbot, gui)
    dialog.kinds[EnrolmentKind.VSI].click()
    dialog.income.setValue(1_000_000)
    assert not dialog.confirm.isEnabled()
    assert "1.500.000" in dialog.message.text()
    dialog.income.setValue(2_000_000)
    assert dialog.confirm.isEnabled(), dialog.message.text()
    assert "440.000" in dialog.quote.text()  # 22 % of 2,000,000
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
