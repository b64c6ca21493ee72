"""The window as a team member uses it: unlock, sign in with a PIN, move between screens, search, lock."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from fieldapp.demo import DEMO_PIN
from tests.conftest import PASSPHRASE, cli_env
from ui.app import create
from ui.main_window import SCREENS

WAIT = 15_000


@pytest.fixture
def gui(qtbot, demo_dir):
    app = QApplication.instance()
    controller = create(app, demo_dir)
    window = controller.window
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    yield controller
    controller.shutdown()
    from ui import theme

    theme.apply(app, "normal", 100)


def open_and_wait(qtbot, controller, passphrase=PASSPHRASE):
    controller.open_store(passphrase)
    lock = controller.window.lock_view
    qtbot.waitUntil(lambda: lock.pages.currentIndex() == 1, timeout=WAIT)
    return lock


def sign_in(qtbot, controller, pin=DEMO_PIN):
    lock = controller.window.lock_view
    lock.member_list.setCurrentRow(0)
    lock.pin.setFocus()
    qtbot.keyClicks(lock.pin, pin)
    qtbot.keyClick(lock.pin, Qt.Key.Key_Return)


def enter(qtbot, controller):
    """Unlock the store and sign in as the team leader."""
    open_and_wait(qtbot, controller)
    sign_in(qtbot, controller)
    qtbot.waitUntil(lambda: controller.window.top.currentIndex() == 1, timeout=WAIT)
    return controller.window


def test_sign_in_with_the_member_pin(qtbot, gui):
    lock = open_and_wait(qtbot, gui)
    assert lock.member_list.count() == 8
    assert "Tổ trưởng" in lock.member_list.item(0).text()
    sign_in(qtbot, gui, "0000")
    qtbot.waitUntil(lambda: "Mã PIN không đúng" in lock.message.text(), timeout=WAIT)
    assert "4" in lock.message.text()  # tries left
    assert gui.window.top.currentIndex() == 0
    sign_in(qtbot, gui)
    qtbot.waitUntil(lambda: gui.window.top.currentIndex() == 1, timeout=WAIT)
    today = gui.window.views["today"]
    qtbot.waitUntil(lambda: today.tiles["consultations"].value.text() != "–", timeout=WAIT)
    assert "Tổ trưởng" in gui.window.who.text()
    assert gui.window.nav.item(0).text() == "Hôm nay"
    qtbot.waitUntil(lambda: "chờ đồng bộ" in gui.window.pending.text(), timeout=WAIT)


def test_too_many_wrong_pins_lock_the_member(qtbot, gui):
    lock = open_and_wait(qtbot, gui)
    for _ in range(5):
        sign_in(qtbot, gui, "9999")
        qtbot.wait(50)
    qtbot.waitUntil(lambda: "tạm khoá" in lock.message.text(), timeout=WAIT)
    sign_in(qtbot, gui)
    qtbot.waitUntil(lambda: gui.tasks.pending == 0, timeout=WAIT)
    assert gui.window.top.currentIndex() == 0


def test_every_screen_opens_with_the_keyboard(qtbot, gui):
    window = enter(qtbot, gui)
    for i, key in enumerate(SCREENS):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_1 + i), Qt.KeyboardModifier.ControlModifier)
        assert window.current_screen() == key
        qtbot.waitUntil(lambda: gui.tasks.pending == 0, timeout=WAIT)
    receipts = window.views["receipts"]  # today's: the demo's days are in the past
    assert receipts.chosen_day() == gui.receipts.today() and receipts.summary.text()
    assert window.views["consultations"].model.rowCount() > 0
    assert window.views["enrolments"].model.rowCount() > 0
    assert window.views["tallies"].models["summary"].rowCount() == 10  # 8 metrics, attendance, money


def test_people_search_as_you_type(qtbot, gui):
    window = enter(qtbot, gui)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    people = window.views["people"]
    assert window.current_screen() == "people"
    qtbot.waitUntil(lambda: people.model.rowCount() == 600, timeout=WAIT)
    qtbot.keyClicks(people.search, "nguyen")
    qtbot.waitUntil(lambda: 0 < people.model.rowCount() < 600, timeout=WAIT)
    qtbot.waitUntil(lambda: people.model.row_at(0) is not None, timeout=WAIT)
    for row in range(min(people.model.rowCount(), 20)):
        qtbot.waitUntil(lambda r=row: people.model.row_at(r) is not None, timeout=WAIT)
        assert people.model.row_at(row).full_name.startswith("Nguyễn")
    # the chosen person's household, with each member's cover
    panel = people.panel
    qtbot.waitUntil(lambda: panel.person_id is not None and panel.members.rowCount() > 0, timeout=WAIT)
    assert panel.heading.text().startswith("Nguyễn")
    assert panel.consult_button.isEnabled()
    # the end of the list loads on demand
    people.search.clear()
    qtbot.waitUntil(lambda: people.model.rowCount() == 600, timeout=WAIT)
    people.table.scrollToBottom()
    last = people.model.rowCount() - 1
    people.model.row_at(last)
    qtbot.waitUntil(lambda: people.model.row_at(last) is not None, timeout=WAIT)


def test_lock_by_hand_and_when_idle(qtbot, gui):
    window = enter(qtbot, gui)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.top.currentIndex() == 0 and gui.session.member is None
    sign_in(qtbot, gui)
    qtbot.waitUntil(lambda: window.top.currentIndex() == 1, timeout=WAIT)
    gui.idle.start(50)  # the idle timer, shortened
    qtbot.waitUntil(lambda: window.top.currentIndex() == 0, timeout=WAIT)
    assert gui.session.member is None


def test_passphrase_is_asked_when_there_is_no_keyring(qtbot, gui):
    lock = gui.window.lock_view
    gui.open_store(None)
    qtbot.waitUntil(lambda: lock.pages.currentIndex() == 2, timeout=WAIT)
    assert not lock.passphrase_again.isVisible()
    qtbot.keyClicks(lock.passphrase, "wrong passphrase")
    qtbot.keyClick(lock.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Mật khẩu không đúng" in lock.pass_message.text(), timeout=WAIT)
    qtbot.keyClicks(lock.passphrase, PASSPHRASE)
    qtbot.keyClick(lock.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lock.pages.currentIndex() == 1, timeout=WAIT)


def test_a_new_laptop_sets_its_passphrase(qtbot, data_dir):
    app = QApplication.instance()
    controller = create(app, data_dir)
    qtbot.addWidget(controller.window)
    controller.window.show()
    lock = controller.window.lock_view
    controller.open_store(None)
    qtbot.waitUntil(lambda: lock.pages.currentIndex() == 2, timeout=WAIT)
    assert lock.passphrase_again.isVisible()
    # QTest types ASCII only; Vietnamese text arrives through the input method, here setText
    lock.passphrase.setText("mật khẩu của tổ")
    lock.passphrase_again.setText("mật khẩu khác")
    qtbot.keyClick(lock.passphrase_again, Qt.Key.Key_Return)
    assert "không khớp" in lock.pass_message.text()
    lock.passphrase.clear()
    lock.passphrase_again.clear()
    qtbot.keyClicks(lock.passphrase, "short")
    qtbot.keyClicks(lock.passphrase_again, "short")
    qtbot.keyClick(lock.passphrase_again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "ít nhất 8" in lock.pass_message.text(), timeout=WAIT)
    lock.passphrase.setText("mật khẩu của tổ")
    lock.passphrase_again.setText("mật khẩu của tổ")
    qtbot.keyClick(lock.passphrase_again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.session.store is not None, timeout=WAIT)
    assert "chưa thuộc tổ nào" in lock.opening.text()
    assert data_dir.db.exists()
    controller.shutdown()


def test_settings_language_theme_and_font_size(qtbot, gui):
    enter(qtbot, gui)
    app = QApplication.instance()
    size = app.font().pointSizeF()
    settings = gui.window.views["settings"]
    gui.window.show_screen("settings")
    settings.font_scale.setCurrentIndex(settings.font_scale.findData(150))
    assert app.font().pointSizeF() == pytest.approx(size * 1.5)
    settings.theme.setCurrentIndex(settings.theme.findData("high_contrast"))
    assert app.palette().color(QPalette.ColorRole.Window).name() == "#000000"
    settings.language.setCurrentIndex(settings.language.findData("en"))
    qtbot.waitUntil(lambda: gui.window.nav.item(1).text() == "People", timeout=WAIT)
    assert gui.window.top.currentIndex() == 1  # still signed in after the switch
    assert gui.session.settings.path.exists()
    gui.window.views["settings"].language.setCurrentIndex(0)
    qtbot.waitUntil(lambda: gui.window.nav.item(1).text() == "Người dân", timeout=WAIT)


def test_store_errors_are_shown_not_raised(qtbot, gui, demo_dir):
    (demo_dir.root / "keystore.json").write_text("{broken", encoding="utf-8")
    gui.open_store(PASSPHRASE)
    lock = gui.window.lock_view
    qtbot.waitUntil(lambda: "bị hỏng" in lock.opening.text(), timeout=WAIT)


def test_screenshots_command(tmp_path, demo_dir):
    out = tmp_path / "shots"
    done = subprocess.run(
        [sys.executable, "-m", "fieldapp", "gui", "--screenshots", str(out)],
        capture_output=True,
        text=True,
        env=cli_env(demo_dir.root),
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in out.glob("*.png"))
    assert names[0] == "00-sign-in.png" and len(names) == 1 + len(SCREENS)
    assert all((out / n).stat().st_size > 10_000 for n in names)
    assert done.stderr == ""


@pytest.mark.parametrize("wait_for_screens", [True, False])
def test_the_sign_in_list_comes_first_and_the_work_screens_just_after(qtbot, demo_dir, wait_for_screens):
    """The app (ui.app.main) shows the sign-in list before it makes the eight work screens (cold start); a
    member who signs in before they are made gets them, wired, all the same."""
    controller = create(QApplication.instance(), demo_dir, defer_screens=True)
    window = controller.window
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.views == {}  # the sign-in screen alone
        window.show_screen("people")  # Ctrl+2 on the sign-in screen does nothing
        window._focus_search()  # nor does Ctrl+F
        open_and_wait(qtbot, controller)
        if wait_for_screens:
            qtbot.waitUntil(lambda: len(window.views) == len(SCREENS), timeout=WAIT)
            assert window.top.currentIndex() == 0  # still signing in
        sign_in(qtbot, controller)
        qtbot.waitUntil(lambda: window.top.currentIndex() == 1, timeout=WAIT)
        assert set(window.views) == set(SCREENS)
        today = window.views["today"]
        qtbot.waitUntil(lambda: today.tiles["consultations"].value.text() != "–", timeout=WAIT)
        window.show_screen("people")
        qtbot.waitUntil(lambda: window.views["people"].model.rowCount() > 0, timeout=WAIT)
        qtbot.waitUntil(lambda: "chờ đồng bộ" in window.pending.text(), timeout=WAIT)
    finally:
        controller.shutdown()
