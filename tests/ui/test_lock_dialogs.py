"""Locking with a dialog open (issue 18.5): every window hides, the PIN goes to the lock screen, the draft
comes back to its own member and is never shown to another; Escape on typed work asks first."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from fieldapp.demo import DEMO_PIN
from fieldapp.domain.enums import EnrolmentKind
from tests.ui.test_app import WAIT
from tests.ui.test_enrol import open_enrol
from ui.views import common


def visible_windows():
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def open_consultation(qtbot, gui):
    gui.window.show_screen("people")
    panel = gui.window.views["people"].panel
    qtbot.waitUntil(lambda: panel.person_id is not None, timeout=WAIT)
    gui.fieldwork.consult(panel.person_id)
    qtbot.waitUntil(lambda: gui.fieldwork.dialog is not None and gui.fieldwork.dialog.isVisible(), timeout=WAIT)
    return gui.fieldwork.dialog


def lock_when_idle(qtbot, gui):
    gui.idle.start(30)  # the idle timer, shortened
    qtbot.waitUntil(lambda: gui.window.top.currentIndex() == 0, timeout=WAIT)


def consultations(gui):
    return gui.session.store.query_one("SELECT count(*) FROM consultations")[0]


def test_lock_hides_the_open_dialog_and_gives_it_back_to_its_member(qtbot, signed_in):
    owner = signed_in.session.member
    dialog = open_consultation(qtbot, signed_in)
    qtbot.keyClicks(dialog.note, "goi lai sau")
    dialog.outcomes[next(iter(dialog.outcomes))].setChecked(True)
    lock_when_idle(qtbot, signed_in)
    assert not dialog.isVisible()
    assert visible_windows() == [signed_in.window]  # nothing of the person's stays on the screen
    lock = signed_in.window.lock_view
    assert lock.member_list.currentItem().data(Qt.ItemDataRole.UserRole) == owner.id  # their name comes chosen
    assert signed_in.window.focusWidget() is lock.pin
    qtbot.keyClicks(lock.pin, DEMO_PIN)  # the PIN goes to the lock screen, not into the note
    assert dialog.note.text() == "goi lai sau"
    qtbot.keyClick(lock.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: signed_in.window.top.currentIndex() == 1, timeout=WAIT)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    assert dialog.note.text() == "goi lai sau" and dialog.outcome() is not None
    assert signed_in.notice is None


def test_another_member_never_sees_the_draft(qtbot, signed_in):
    owner = signed_in.session.member
    before = consultations(signed_in)
    dialog = open_consultation(qtbot, signed_in)
    qtbot.keyClicks(dialog.note, "so dien thoai moi")
    lock_when_idle(qtbot, signed_in)
    lock = signed_in.window.lock_view
    ids = [lock.member_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(lock.member_list.count())]
    other = next(i for i, member_id in enumerate(ids) if member_id != owner.id)
    lock.member_list.setCurrentRow(other)
    qtbot.keyClicks(lock.pin, DEMO_PIN)
    qtbot.keyClick(lock.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: signed_in.window.top.currentIndex() == 1, timeout=WAIT)
    assert signed_in.session.member.id != owner.id
    qtbot.wait(50)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    assert signed_in.parked is None  # not kept either: it was closed, unsaved
    assert consultations(signed_in) == before
    assert signed_in.notice is not None and owner.full_name in signed_in.notice.text()
    assert "so dien thoai" not in signed_in.notice.text()
    signed_in.notice.accept()


def test_a_question_asked_when_the_app_locks_is_answered_cancel(qtbot, signed_in, monkeypatch):
    dialog = open_consultation(qtbot, signed_in)
    qtbot.keyClicks(dialog.note, "dang go")
    # the idle lock comes while "close without saving?" is asked: the question goes, the draft stays
    QTimer.singleShot(100, signed_in.lock)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert signed_in.window.top.currentIndex() == 0
    assert visible_windows() == [signed_in.window]
    assert signed_in.parked is not None and dialog in signed_in.parked[1]
    assert dialog.note.text() == "dang go"


def test_escape_asks_before_throwing_typed_work_away(qtbot, signed_in, monkeypatch):
    asked = []
    answer = [False]
    monkeypatch.setattr(common, "ask_discard", lambda parent: asked.append(parent) or answer[0])
    dialog = open_consultation(qtbot, signed_in)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed: closes at once
    assert not dialog.isVisible() and asked == []
    dialog = open_consultation(qtbot, signed_in)
    qtbot.keyClicks(dialog.note, "x")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == [dialog] and dialog.isVisible() and dialog.note.text() == "x"
    dialog.close()  # the window's close button asks too
    assert len(asked) == 2 and dialog.isVisible()
    answer[0] = True
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_question_keeps_the_work_on_escape(qtbot, signed_in):
    dialog = open_consultation(qtbot, signed_in)
    qtbot.keyClicks(dialog.note, "khong mat")
    seen = []

    def answer_with_escape():
        box = QApplication.activeModalWidget()
        seen.append(box.text() if box is not None else None)
        qtbot.keyClick(box, Qt.Key.Key_Escape)

    QTimer.singleShot(100, answer_with_escape)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert seen and seen[0] and "không lưu" in seen[0]
    assert dialog.isVisible() and dialog.note.text() == "khong mat"


@pytest.mark.parametrize("what", ["enrol", "person"])
def test_the_enrolment_and_the_person_form_ask_too(qtbot, signed_in, monkeypatch, what):
    asked = []
    monkeypatch.setattr(common, "ask_discard", lambda parent: asked.append(parent) or False)
    signed_in.window.show_screen("people")
    if what == "enrol":
        dialog = open_enrol(qtbot, signed_in)
        dialog.kinds[EnrolmentKind.VSI].click()
    else:
        dialog = signed_in.people.forms.new()
        qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
        dialog.full_name.setText("Lê Văn Mới")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == [dialog] and dialog.isVisible()
    dialog.discard()
    assert not dialog.isVisible()
