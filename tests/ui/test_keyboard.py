"""Keyboard traps at the stall: the PIN is typed at once on sign-in, Down in the People search reaches the
results, and the enrolment starts on its fields, not on the product choice that Down then Space changed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from fieldapp.demo import DEMO_PIN
from fieldapp.domain.enums import EnrolmentKind
from tests.ui.test_app import WAIT, gui, open_and_wait  # noqa: F401  (gui: the fixture)
from tests.ui.test_enrol import open_enrol


def test_the_pin_is_typed_at_once_and_up_down_choose_the_member(qtbot, gui):  # noqa: F811
    lock = open_and_wait(qtbot, gui)
    assert gui.window.focusWidget() is lock.pin
    qtbot.keyClick(lock.pin, Qt.Key.Key_Down)
    assert lock.member_list.currentRow() == 1
    qtbot.keyClick(lock.pin, Qt.Key.Key_Up)
    qtbot.keyClick(lock.pin, Qt.Key.Key_Up)  # not above the first
    assert lock.member_list.currentRow() == 0
    # who clicks a name and types: the digits still go to the PIN, not to the list's search by letter
    lock.member_list.setFocus()
    qtbot.keyClicks(lock.member_list, DEMO_PIN)
    assert lock.pin.text() == DEMO_PIN and lock.member_list.currentRow() == 0
    qtbot.keyClick(lock.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gui.window.top.currentIndex() == 1, timeout=WAIT)
    assert gui.session.member.id == gui.session.members[0].id


def test_down_in_the_people_search_reaches_the_results(qtbot, signed_in):
    window = signed_in.window
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    people = window.views["people"]
    qtbot.keyClicks(people.search, "nguyen")
    qtbot.waitUntil(lambda: 0 < people.model.rowCount() < 600, timeout=WAIT)
    people.table.clearSelection()
    people.table.setCurrentIndex(people.model.index(-1, -1))
    people.search.setFocus()
    qtbot.keyClick(people.search, Qt.Key.Key_Down)
    assert window.focusWidget() is people.table
    assert people.table.currentIndex().row() == 0
    qtbot.keyClick(people.table, Qt.Key.Key_Down)
    assert people.table.currentIndex().row() == 1


def test_the_enrolment_starts_on_its_fields_not_on_the_product(qtbot, signed_in, monkeypatch):
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    signed_in.window.show_screen("people")
    dialog = open_enrol(qtbot, signed_in)
    assert dialog.kind() is EnrolmentKind.HOUSEHOLD_HI
    assert dialog.focusWidget() is dialog.members
    ticked = dialog.member_ids()
    qtbot.keyClick(dialog.members, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.members, Qt.Key.Key_Space)
    assert dialog.kind() is EnrolmentKind.HOUSEHOLD_HI  # Down then Space no longer changes the product
    if dialog.members.count() > 1:
        assert dialog.member_ids() != ticked  # it ticked the next member of the household
    dialog.kinds[EnrolmentKind.VSI].click()
    assert dialog.first_field() is dialog.income
    dialog.reject()
