"""Issue 13, point 5, in the window: the widget checks that looked at the role alone now ask the core's one
helper (fieldapp.domain.permissions), which also wants the leader to be of this team; behind them the
services refuse whatever reaches them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from fieldapp.domain.clock import utcnow
from fieldapp.domain.enums import Role
from fieldapp.domain.ids import new_id
from fieldapp.domain.models import Member, Team
from fieldapp.services.team import hash_pin
from fieldapp.storage.writer import Actor, writing
from tests.conftest import DEMO_END
from tests.ui.test_app import WAIT
from tests.ui.test_receipts import open_void, screen

PIN = "2580"


@pytest.fixture
def signed_in(qtbot, demo_dir):
    """The window on a copy of the demo, signed in as the team leader (as tests/ui/conftest.py makes it)."""
    from tests.ui.test_app import enter
    from ui.app import create

    controller = create(QApplication.instance(), demo_dir)
    qtbot.addWidget(controller.window)
    controller.window.resize(1280, 800)
    controller.window.show()
    enter(qtbot, controller)
    yield controller
    controller.shutdown()


def stranger(gui) -> Member:
    """A team leader of another team, with a PIN, on this laptop (demo data of another team, a province
    device): the window's session is signed in as them."""
    store = gui.session.store
    other = Team(new_id(), "Tổ khác", "33", "Bưu điện", (), utcnow())
    leader = Member(new_id(), other.id, "Lê Văn Khác", Role.TEAM_LEADER, "339999", None, hash_pin(PIN), True, utcnow())
    with writing(store, Actor(None, store.device_id)) as w:
        w.add(other)
        w.add(leader)
    return leader


def test_a_leader_of_another_team_cannot_erase(qtbot, signed_in, monkeypatch):
    gui = signed_in
    gui.window.show_screen("people")
    view = gui.window.views["people"]
    qtbot.waitUntil(lambda: view.panel.current is not None, timeout=WAIT)
    person = view.panel.current.person
    gui.session.sign_in(stranger(gui))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    gui.people.personal.erase(person, typed=person.full_name)
    qtbot.waitUntil(lambda: gui.tasks.pending == 0, timeout=WAIT)
    assert warnings and "tổ này" in warnings[-1]
    store = gui.session.store
    assert store.query_one("SELECT full_name, erased_at FROM persons WHERE id = ?", (person.id,)) == (
        person.full_name,
        None,
    )


def test_the_void_dialog_offers_and_takes_only_leaders_of_this_team(qtbot, signed_in):
    gui = signed_in
    other = stranger(gui)
    gui.session.members = [*gui.session.members, other]  # as if the sign-in list held them
    view = screen(qtbot, gui)
    voids = gui.session.store.query_one("SELECT count(*) FROM receipt_voids")[0]
    dialog = open_void(qtbot, gui, view)
    offered = [dialog.leader.itemData(i) for i in range(dialog.leader.count())]
    assert offered and other.id not in offered
    # a dialog that somehow names them anyway (the combo box is not the check): the service refuses
    row = view.model.rows[0]
    dialog.reason.insertPlainText("Ghi sai số tiền")
    gui.receipts._void(dialog, row.id, other.id, PIN, "Ghi sai số tiền")
    qtbot.waitUntil(lambda: "tổ" in dialog.message.text(), timeout=WAIT)
    assert "huỷ" in dialog.message.text()
    assert gui.session.store.query_one("SELECT count(*) FROM receipt_voids")[0] == voids


def test_a_member_cannot_import_targets_nor_close_the_day(qtbot, signed_in, monkeypatch):
    gui = signed_in
    store = gui.session.store
    member = next(m for m in gui.session.members if m.role is Role.MEMBER)
    gui.session.sign_in(member)
    warnings, asked = [], []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: asked.append(a) or ("", ""))
    targets = store.query_one("SELECT count(*) FROM targets")[0]
    closed = store.query_one("SELECT count(*) FROM day_closings")[0]
    gui.tallies.today = lambda: DEMO_END
    gui.tallies.import_targets()
    assert not asked and warnings and "chỉ tiêu" in warnings[-1]
    assert store.query_one("SELECT count(*) FROM targets")[0] == targets
    # closing: the dialog opens (anyone may count), its Close button says who may, and the service refuses
    gui.window.show_screen("tallies")
    gui.tallies.open_closing()
    qtbot.waitUntil(lambda: gui.tallies.dialog is not None and gui.tallies.dialog.isVisible(), timeout=WAIT)
    dialog = gui.tallies.dialog
    assert "tổ trưởng" in dialog.close_button.toolTip()
    errors = []
    monkeypatch.setattr(gui.tasks, "_on_error", errors.append)
    gui.tallies._close(member.id, {}, "x")
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT)
    assert getattr(errors[-1], "code", None) == "closing.needs_leader"
    assert store.query_one("SELECT count(*) FROM day_closings")[0] == closed
    dialog.reject()
    qtbot.keyClick(gui.window, Qt.Key.Key_Escape)
