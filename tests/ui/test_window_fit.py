"""The window on a 1366×768 laptop: it fits the screen at 100 % and 130 % font in both languages, remembers
where it was and whether it was maximised, starts maximised on a small screen, and a language switch
neither raises nor widens it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from fieldapp.settings import WINDOW_GEOMETRY
from tests.ui.test_app import WAIT, enter
from tests.ui.test_enrol import open_enrol
from ui import theme
from ui.app import create, install_translators
from ui.views.common import TITLE_BAR

LAPTOP = QRect(0, 0, 1366, 768)  # an openbox screen without a panel: all of it is free


@pytest.fixture
def laptop_font():
    app = QApplication.instance()
    yield lambda scale: theme.apply(app, "normal", scale)
    theme.apply(app, "normal", 100)
    install_translators(app, "vi")


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("scale", [100, 130])
def test_every_screen_fits_a_1366x768_laptop(qtbot, signed_in, laptop_font, lang, scale):
    app = QApplication.instance()
    install_translators(app, lang)
    laptop_font(scale)
    window = signed_in.window
    if lang == "en":  # a window built in English, as a language switch makes it
        window = type(window)(signed_in.session.settings, window._people_model)
        qtbot.addWidget(window)
    least = window.minimumSizeHint()
    assert least.width() <= LAPTOP.width() and least.height() <= LAPTOP.height() - TITLE_BAR, least
    # maximised, each screen has its whole width: none scrolls sideways (the navigation takes at most 240 px)
    room = LAPTOP.width() - 240 - 40
    for key, view in window.views.items():
        assert view.minimumSizeHint().width() <= room, (key, view.minimumSizeHint())


def test_the_enrolment_shows_four_members_at_130_percent(qtbot, signed_in, laptop_font, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    laptop_font(130)
    signed_in.window.show_screen("people")
    dialog = open_enrol(qtbot, signed_in)
    rows = dialog.members.height() // dialog.members.fontMetrics().lineSpacing()
    assert rows >= 4, dialog.members.height()
    free = dialog.screen().availableGeometry()
    assert dialog.height() + TITLE_BAR <= free.height()
    dialog.reject()


def test_a_small_screen_starts_maximised_a_large_one_at_the_usual_size(qtbot, signed_in):
    window = signed_in.window
    window.hide()
    window.show_on_screen(QRect(0, 0, 1366, 768))
    assert window.isMaximized()
    window.showNormal()
    window.hide()
    signed_in.session.settings.set(WINDOW_GEOMETRY, "")
    window.show_on_screen(QRect(0, 0, 1920, 1080))
    assert not window.isMaximized() and (window.width(), window.height()) == (1280, 800)


def test_the_window_remembers_being_maximised_and_its_size(qtbot, demo_dir):
    app = QApplication.instance()
    first = create(app, demo_dir)
    qtbot.addWidget(first.window)
    first.window.showMaximized()
    qtbot.waitUntil(first.window.isMaximized, timeout=WAIT)
    first.window.close()
    first.shutdown()
    assert first.session.settings.get(WINDOW_GEOMETRY)

    again = create(app, demo_dir)
    qtbot.addWidget(again.window)
    again.window.show_on_screen(QRect(0, 0, 1920, 1080))
    assert again.window.isMaximized()
    again.window.showNormal()
    qtbot.waitUntil(lambda: not again.window.isMaximized(), timeout=WAIT)
    again.window.resize(700, 500)
    qtbot.waitUntil(lambda: again.window.size().toTuple() == (700, 500), timeout=WAIT)
    again.window.close()
    again.shutdown()

    third = create(app, demo_dir)
    qtbot.addWidget(third.window)
    third.window.show_on_screen(QRect(0, 0, 1920, 1080))
    assert not third.window.isMaximized() and third.window.size().toTuple() == (700, 500)
    third.window.close()
    third.shutdown()


def test_a_language_switch_raises_nothing_and_keeps_the_window_as_it_was(qtbot, demo_dir):
    """Not with `signed_in`: the window it hands to pytest-qt is deleted by the switch."""
    controller = create(QApplication.instance(), demo_dir)
    window = controller.window
    window.showMaximized()
    enter(qtbot, controller)
    qtbot.waitUntil(window.isMaximized, timeout=WAIT)
    try:
        window.show_screen("settings")
        settings = window.views["settings"]
        settings.language.setCurrentIndex(settings.language.findData("en"))
        qtbot.waitUntil(lambda: controller.window.nav.item(1).text() == "People", timeout=WAIT)
        rebuilt = controller.window
        assert rebuilt is not window and controller.session.member is not None
        # the old Sync controller's status, asked for as the member was signed in again, comes back after its
        # window is gone: it is dropped, not "Signal source has been deleted" (pytest-qt fails on that)
        qtbot.waitUntil(lambda: controller.tasks.pending == 0, timeout=WAIT)
        qtbot.wait(300)
        assert rebuilt.isMaximized()
        assert controller.sync.view is rebuilt.views["sync"]
        assert rebuilt.current_screen() == "settings"
        rebuilt.views["settings"].language.setCurrentIndex(0)
        qtbot.waitUntil(lambda: controller.window.nav.item(1).text() == "Người dân", timeout=WAIT)
        qtbot.waitUntil(lambda: controller.tasks.pending == 0, timeout=WAIT)
        qtbot.wait(300)
        assert controller.window.isMaximized()
    finally:
        controller.window.close()
        controller.shutdown()


def test_a_command_line_language_is_not_saved_with_the_window(tmp_path):
    """The geometry is saved on every close now: `fieldapp gui --lang en` must not become the saved language."""
    from fieldapp.settings import LANGUAGE, Settings

    path = tmp_path / "settings.json"
    settings = Settings(path)
    settings.override(LANGUAGE, "en")
    settings.set(WINDOW_GEOMETRY, "AAAA")
    assert settings.get(LANGUAGE) == "en"
    assert Settings(path).get(LANGUAGE) == "vi" and Settings(path).get(WINDOW_GEOMETRY) == "AAAA"
    settings.set(LANGUAGE, "en")  # chosen on the Settings screen: saved
    assert Settings(path).get(LANGUAGE) == "en"
