"""Recording the work from the keyboard: a consultation in a few keys, walk-ins one after another, events."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.test_app import WAIT


@pytest.fixture
def gui(signed_in):
    return signed_in


def count(gui, table, where="1=1", params=()):
    return gui.session.store.query_one(f"SELECT count(*) FROM {table} WHERE {where}", params)[0]


def key(qtbot, widget, k, mod=Qt.KeyboardModifier.AltModifier):
    qtbot.keyClick(widget, k, mod)


def test_a_consultation_in_a_few_keys(qtbot, gui):
    window = gui.window
    window.show_screen("people")
    view = window.views["people"]
    qtbot.waitUntil(lambda: view.panel.person_id is not None, timeout=WAIT)
    person_id = view.panel.person_id
    before = count(gui, "consultations")
    qtbot.keyClick(view.panel, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: gui.fieldwork.dialog is not None and gui.fieldwork.dialog.isVisible(), timeout=WAIT)
    dialog = gui.fieldwork.dialog
    key(qtbot, dialog, Qt.Key.Key_1)  # topic 1: voluntary SI
    key(qtbot, dialog, Qt.Key.Key_2)  # topic 2: household HI
    key(qtbot, dialog, Qt.Key.Key_S)  # outcome: will think about it
    assert dialog.follow_box.isVisible() and dialog.follow_up.text()  # +7 days by default
    qtbot.keyClick(dialog, Qt.Key.Key_F6)  # +3 days instead
    key(qtbot, dialog, Qt.Key.Key_V)  # VssID installed on the spot
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible() or bool(dialog.message.text()), timeout=WAIT)
    assert dialog.message.text() == ""
    assert count(gui, "consultations") == before + 1
    assert count(gui, "follow_ups", "person_id = ? AND done_at IS NULL", (person_id,)) >= 1
    assert count(gui, "outreach_results", "person_id = ? AND kind = 'vssid_install'", (person_id,)) >= 1
    topics = gui.session.store.query_one(
        "SELECT topics FROM consultations WHERE person_id = ? ORDER BY at DESC LIMIT 1", (person_id,)
    )[0]
    assert topics == '["vsi","hi"]'
    # the dialog closed on saving: the status bar says it was saved, with whom (issue 18, item 14)
    assert gui.fieldwork.saved_message.startswith("Đã lưu lượt tư vấn")
    assert window.statusBar().currentMessage() == gui.fieldwork.saved_message


def test_walk_ins_one_after_another(qtbot, gui):
    window = gui.window
    window.show_screen("consultations")
    view = window.views["consultations"]
    before = count(gui, "consultations", "person_id IS NULL")
    view.walk_in_requested.emit()
    qtbot.waitUntil(lambda: gui.fieldwork.dialog is not None and gui.fieldwork.dialog.isVisible(), timeout=WAIT)
    dialog = gui.fieldwork.dialog
    assert not dialog.outcomes[__import__("fieldapp.domain.enums", fromlist=["Outcome"]).Outcome.ENROLLED].isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # nothing chosen yet
    assert "Chọn kết quả" in dialog.message.text()
    for _ in range(2):
        key(qtbot, dialog, Qt.Key.Key_2)
        key(qtbot, dialog, Qt.Key.Key_T)  # refused
        dialog.reason.setCurrentIndex(1)
        qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: "Đã lưu" in dialog.message.text(), timeout=WAIT)
        assert dialog.isVisible() and dialog.outcome() is None  # ready for the next person
        dialog.message.clear()
    assert count(gui, "consultations", "person_id IS NULL") == before + 2
    dialog.reject()


def test_an_event_with_its_attendance(qtbot, gui):
    window = gui.window
    window.show_screen("consultations")
    before = count(gui, "events")
    window.views["consultations"].event_requested.emit()
    qtbot.waitUntil(
        lambda: gui.fieldwork.event_dialog is not None and gui.fieldwork.event_dialog.isVisible(), timeout=WAIT
    )
    dialog = gui.fieldwork.event_dialog
    dialog.site.setCurrentIndex(1)
    assert dialog.title.text()  # suggested from the kind and the place
    dialog.attendance.setValue(85)
    dialog.held_on.setText("01/01/2099")
    dialog.buttons.accepted.emit()
    assert "tương lai" in dialog.message.text()
    dialog.held_on.setText(
        __import__("fieldapp.domain.formats", fromlist=["x"]).format_date(
            __import__("ui.controllers.app_controller", fromlist=["today"]).today()
        )
    )
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    assert count(gui, "events") == before + 1
    assert count(gui, "events", "attendance = 85") >= 1
