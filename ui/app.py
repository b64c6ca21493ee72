"""Starting the GUI: QApplication, fonts, theme, translations, the window, and screenshot mode."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from concurrent.futures import Future
from pathlib import Path

from fieldapp import qt_libraries
from fieldapp.errors import UsageError
from fieldapp.paths import DataDir, resource_path
from fieldapp.settings import FONT_SCALE, LANGUAGE, THEME, Settings

log = logging.getLogger(__name__)
SCREENSHOT_SIZE = (1280, 800)
TRANSLATIONS = ("fieldapp", "qtbase")


def _needs_offscreen(screenshots: bool) -> bool:
    if os.environ.get("QT_QPA_PLATFORM") or not sys.platform.startswith("linux"):
        return False
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if not has_display and not screenshots:
        raise UsageError("cli.no_display")
    return not has_display


def install_translators(app, lang: str) -> list:
    """Vietnamese comes from resources/translations/*_vi.qm; English is the source text."""
    from PySide6.QtCore import QTranslator

    for old in getattr(app, "_fieldapp_translators", []):
        app.removeTranslator(old)
    installed = []
    if lang != "en":
        for name in TRANSLATIONS:
            translator = QTranslator(app)
            path = resource_path("translations", f"{name}_{lang}.qm")
            if translator.load(str(path)):
                app.installTranslator(translator)
                installed.append(translator)
            else:
                log.warning("translation %s not loaded", path)
    app._fieldapp_translators = installed
    return installed


_NO_OPEN = object()


def create(
    app,
    data_dir: DataDir,
    *,
    dev_plaintext: bool = False,
    lang: str | None = None,
    synchronous: bool = False,
    open_with: object = _NO_OPEN,
    opening: Future | None = None,
    defer_screens: bool = False,
):
    """The controller with its window, ready to show; `lang` overrides the saved language for this run.

    With `open_with` (a passphrase or None) the store starts opening on the database thread before the
    window is built, so the key derivation and the window construction overlap. With `opening` (from
    `open_early`) it is already opening: the controller takes what it gives. With `defer_screens` the window
    starts with the sign-in screen alone and makes the eight work screens once the members are listed.
    """
    from ui import theme
    from ui.controllers.app_controller import AppController
    from ui.main_window import MainWindow
    from ui.models.people_model import PeopleModel
    from ui.session import Session

    settings = Settings(data_dir.settings)
    if lang:
        settings.override(LANGUAGE, lang)
    install_translators(app, settings.get(LANGUAGE))
    theme.apply_font(app, settings.get(FONT_SCALE))
    session = Session(data_dir, settings, dev_plaintext=dev_plaintext)
    controller = AppController(app, session, synchronous=synchronous)
    if opening is not None:
        controller.open_store(early=opening)
    elif open_with is not _NO_OPEN:
        controller.open_store(open_with)  # type: ignore[arg-type]

    def build_window(screens: bool = True) -> MainWindow:
        window = MainWindow(settings, PeopleModel(controller.people_fetch, settings.get(LANGUAGE)), screens=screens)
        controller.attach(window)
        return window

    def relanguage() -> None:
        old = controller.window
        install_translators(app, settings.get(LANGUAGE))
        window = build_window()
        old.remember_geometry()
        window.show_on_screen()  # where the old one was, maximised if it was
        old.close()
        old.deleteLater()
        if session.member is not None:
            controller.enter(session.member)
            window.show_screen("settings")
        else:
            controller.show_lock_screen()

    controller.on_language_change = relanguage
    build_window(screens=not defer_screens)
    theme.apply(app, settings.get(THEME), settings.get(FONT_SCALE))
    return controller


def open_early(data_dir: DataDir, passphrase: str | None, dev_plaintext: bool) -> Future:
    """Start opening the store (the key's Argon2id, SQLCipher, the team and its members) on a thread of its
    own before Qt is imported, so that the two CPUs work on both at once: the sign-in screen needs both."""
    from concurrent.futures import ThreadPoolExecutor

    def open_() -> tuple:
        from fieldapp.storage import team as team_store
        from fieldapp.storage.store import OpenOptions, Store

        store = Store.open(data_dir, OpenOptions(passphrase=passphrase, dev_plaintext=dev_plaintext))
        try:
            team = team_store.current_team(store)
            return store, team, team_store.members(store, team.id) if team else []
        except BaseException:
            store.close()
            raise

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="open")
    future = pool.submit(open_)
    pool.shutdown(wait=False)  # the thread ends with the open
    return future


def main(args: argparse.Namespace, data_dir: DataDir) -> int:
    screenshots = getattr(args, "screenshots", None)
    if _needs_offscreen(bool(screenshots)):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    missing = qt_libraries.missing_now()  # before Qt: a missing one aborts the process with Qt's own words
    if missing:
        raise UsageError(
            "cli.qt_libraries", libraries=", ".join(missing), packages=" ".join(qt_libraries.packages(missing))
        )
    dev_plaintext = bool(getattr(args, "dev_plaintext", False))
    opening = open_early(data_dir, os.environ.get("FIELDAPP_PASSPHRASE"), dev_plaintext)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("fieldapp")
    _route_qt_messages()
    controller = create(
        app,
        data_dir,
        dev_plaintext=dev_plaintext,
        lang=args.lang if getattr(args, "lang_given", False) else None,
        opening=opening,
        defer_screens=not screenshots,
    )
    window = controller.window
    _install_excepthook(controller)
    if screenshots:
        window.resize(*SCREENSHOT_SIZE)
        window.show()
        return take_screenshots(app, controller, Path(screenshots))
    window.show_on_screen()
    if os.environ.get("FIELDAPP_STARTUP_PROBE"):
        _probe_when_ready(app, controller)
    code = app.exec()
    controller.shutdown()
    return code


def _route_qt_messages() -> None:
    """Qt's own warnings go to the log file, not to the terminal of the person using the app."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("ui.qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(kind, _context, message: str) -> None:
        qt_log.log(levels.get(kind, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


def _install_excepthook(controller) -> None:
    """An error in a slot is logged with its traceback and shown as a short message, never printed."""

    def hook(exc_type, exc, tb) -> None:
        log.error("unhandled error", exc_info=(exc_type, exc, tb))
        try:
            controller.show_error(exc)
        except Exception:  # the message box itself failed; the log has the details
            log.exception("could not show the error")

    sys.excepthook = hook


def wait_until(app, condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.005)
    return False


def _probe_when_ready(app, controller) -> None:
    """For the start-up benchmark: print READY and the RSS once the sign-in screen lists the members."""
    from PySide6.QtCore import QTimer

    def check() -> None:
        lock = controller.window.lock_view
        if controller.session.store is not None and lock.pages.currentIndex() == 1:
            controller.window.repaint()
            rss = _rss_kb()
            print(f"READY {rss}", flush=True)
            app.quit()
        else:
            QTimer.singleShot(2, check)

    QTimer.singleShot(0, check)


def _rss_kb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def take_screenshots(app, controller, out_dir: Path) -> int:
    """Open each main screen on the current data and save it as PNG (used for the README)."""
    from fieldapp.i18n import t

    from .main_window import SCREENS

    out_dir.mkdir(parents=True, exist_ok=True)
    window = controller.window
    session = controller.session
    lock = window.lock_view
    opening = lock.opening.text()
    wait_until(
        app,
        lambda: session.store is not None or lock.pages.currentIndex() != 0 or lock.opening.text() != opening,
        120,
    )
    wait_until(app, lambda: controller.tasks.pending == 0)
    saved = []

    def grab(name: str) -> None:
        wait_until(app, lambda: controller.tasks.pending == 0)
        app.processEvents()
        path = out_dir / f"{len(saved):02d}-{name}.png"
        window.grab().save(str(path))
        saved.append(path)

    grab("sign-in")
    leader = next((m for m in session.members if m.role.value == "team_leader"), None) or (
        session.members[0] if session.members else None
    )
    if session.store is None or leader is None:
        log.warning("screenshots: no store or no team; only the sign-in screen was saved")
        return 3
    controller.enter(leader)
    for key in SCREENS:
        window.show_screen(key)
        wait_until(app, lambda: controller.tasks.pending == 0)
        window.grab()  # the first paint asks lazily filled tables for their rows
        grab(key)
    print(t("cli.screenshots_done", session.lang, count=len(saved), path=str(out_dir)))
    controller.shutdown()
    return 0


def qt_self_test() -> int:
    """The Qt part of `fieldapp --self-test`: platform plugin, widgets, the bundled font's glyphs. What it
    found goes to the parent as one line of JSON, which says it in the member's language."""
    import json

    from PySide6.QtGui import QFontDatabase, QRawFont
    from PySide6.QtWidgets import QApplication, QLabel

    from . import theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    family = theme.load_fonts()
    raw = QRawFont(str(resource_path("fonts", theme.FONT_FILES[0])), 12)
    sample = "ẮẰẲẴẶắằẳẵặẤẦẨẪẬấầẩẫậĐđẾỀỂỄỆƠỚỜỞỠỢƯỨỪỬỮỰỲÝỶỸỴ₫"
    missing = [c for c in sample if not raw.supportsCharacter(ord(c))]
    if missing or family not in QFontDatabase.families():  # the parent says it in the member's language
        print(json.dumps({"font": family, "glyphs": "".join(missing)}, ensure_ascii=False), file=sys.stderr)
        return 1
    label = QLabel("Nguyễn Thị Hoà")
    label.show()
    app.processEvents()
    print(json.dumps({"platform": app.platformName(), "font": family}, ensure_ascii=False))
    return 0
