"""The main window: the lock screen, or the navigation and the eight screens, and the status bar."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QByteArray, QCoreApplication, QRect, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from fieldapp.settings import WINDOW_GEOMETRY, Settings
from ui.models.people_model import PeopleModel
from ui.views.common import TITLE_BAR, scrolling
from ui.views.lists import ConsultationsView, EnrolmentsView
from ui.views.lock import LockView
from ui.views.people import PeopleView
from ui.views.receipts import ReceiptsView
from ui.views.settings import SettingsView
from ui.views.sync import SyncView
from ui.views.tallies import TalliesView
from ui.views.today import TodayView

USUAL_SIZE = (1280, 800)  # where the screen has room for it and nothing was remembered
SCREENS = ("today", "people", "consultations", "enrolments", "receipts", "tallies", "sync", "settings")


def screen_title(key: str) -> str:
    titles = {
        "today": QCoreApplication.translate("MainWindow", "Today"),
        "people": QCoreApplication.translate("MainWindow", "People"),
        "consultations": QCoreApplication.translate("MainWindow", "Consultations"),
        "enrolments": QCoreApplication.translate("MainWindow", "Enrolments"),
        "receipts": QCoreApplication.translate("MainWindow", "Receipts"),
        "tallies": QCoreApplication.translate("MainWindow", "Tallies"),
        "sync": QCoreApplication.translate("MainWindow", "Sync"),
        "settings": QCoreApplication.translate("MainWindow", "Settings"),
    }
    return titles[key]


class MainWindow(QMainWindow):
    screen_shown = Signal(str)
    lock_requested = Signal()
    verify_requested = Signal()  # Ctrl+Shift+V on any screen: check a scanned receipt
    about_requested = Signal()  # Help → About (F1): the release, the data's schema and folder
    sync_requested = Signal()  # F9 on any screen, or the status bar's menu: sync now

    def __init__(self, settings: Settings, people_model: PeopleModel, *, screens: bool = True) -> None:
        super().__init__()
        self.setWindowTitle("fieldapp")
        self.resize(*USUAL_SIZE)
        self.lock_view = LockView()
        self.views: dict[str, QWidget] = {}  # the eight work screens, once build_screens() made them
        self._settings, self._people_model = settings, people_model
        self.top = QStackedWidget()
        self.top.addWidget(scrolling(self.lock_view))
        self.setCentralWidget(self.top)

        bar = self.statusBar()
        self.online = QLabel()
        self.pending = QLabel()
        self.sync_state = QLabel()
        self.who = QLabel()
        self.lock_button = QPushButton(self.tr("Lock (Ctrl+L)"))
        self.lock_button.setFlat(True)
        for w in (self.online, self.pending, self.sync_state):
            bar.addWidget(w)
        bar.addPermanentWidget(self.who)
        bar.addPermanentWidget(self.lock_button)
        self.lock_button.clicked.connect(self.lock_requested)
        # "Sync now" is the window's, not one screen's: F9 anywhere, and the status bar's right-click menu
        self.sync_action = QAction(self.tr("Sync now"), self)
        self.sync_action.setShortcut(QKeySequence("F9"))
        self.sync_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.sync_action.triggered.connect(self._sync)
        self.addAction(self.sync_action)
        self.sync_state.setToolTip(self.tr("Sync now: F9 on any screen (right-click for the menu)"))
        self.sync_state.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.sync_state.addAction(self.sync_action)

        for i, key in enumerate(SCREENS):
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self, activated=lambda k=key: self.show_screen(k))
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.lock_requested.emit)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self._focus_search)
        QShortcut(QKeySequence("Ctrl+Shift+V"), self, activated=self._verify)
        QShortcut(QKeySequence("F5"), self, activated=lambda: self.screen_shown.emit(self.current_screen()))
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.about_action = help_menu.addAction(self.tr("&About fieldapp"))
        self.about_action.setShortcut(QKeySequence("F1"))
        self.about_action.triggered.connect(self.about_requested)
        if screens:
            self.build_screens()
        self.show_locked()

    def build_screens(self) -> None:
        """Make the eight work screens and the navigation. The app makes them right after the sign-in screen
        lists the members (ui.app), so that list shows sooner; signing in makes them if they are not yet."""
        if self.views:
            return
        self.views = {
            "today": TodayView(),
            "people": PeopleView(self._people_model),
            "consultations": ConsultationsView(),
            "enrolments": EnrolmentsView(),
            "receipts": ReceiptsView(),
            "tallies": TalliesView(),
            "sync": SyncView(),
            "settings": SettingsView(self._settings),
        }
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setMaximumWidth(240)
        self.stack = QStackedWidget()
        for i, key in enumerate(SCREENS):
            self.nav.addItem(screen_title(key))
            self.nav.item(i).setToolTip(f"Ctrl+{i + 1}")
            self.stack.addWidget(scrolling(self.views[key]))
        work = QWidget()
        row = QHBoxLayout(work)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.top.addWidget(work)
        self.nav.currentRowChanged.connect(self._show_row)
        for shortcut in self.views["sync"].findChildren(QShortcut):  # the screen's own F9 would be ambiguous
            if shortcut.key() == self.sync_action.shortcut():
                shortcut.setEnabled(False)

    # --- the window on the screen -----------------------------------------------------------------

    def show_on_screen(self, available: QRect | None = None) -> None:
        """Show the window whole on the screen: as it was last (maximised or not, or its place and size) when
        that fits the screen it is on now, else 1280×800 where that fits, else maximised (a 1366×768 laptop,
        where 1280×800 put the status bar below the screen's edge). `available`: the screen's free area."""
        saved = self._settings.get(WINDOW_GEOMETRY)
        restored = bool(saved) and self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii")))
        if available is None:
            screen = self.screen() or QGuiApplication.primaryScreen()
            available = screen.availableGeometry() if screen is not None else QRect(0, 0, *USUAL_SIZE)
        if self.windowState() & Qt.WindowState.WindowMaximized or not self._fits(available, restored):
            self.showMaximized()
        else:
            self.show()

    def _fits(self, available: QRect, restored: bool) -> bool:
        """Whether the window and its frame fit the free area (Qt's restoreGeometry already moved a window
        that was left on a screen no longer there)."""
        if not restored:
            self.resize(*USUAL_SIZE)
        return self.width() <= available.width() and self.height() + TITLE_BAR <= available.height()

    def remember_geometry(self) -> None:
        geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        with contextlib.suppress(OSError):  # a read-only data dir: the window opens as usual next time
            self._settings.set(WINDOW_GEOMETRY, geometry)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.remember_geometry()
        super().closeEvent(event)

    # --- navigation -------------------------------------------------------------------------------

    def current_screen(self) -> str:
        return SCREENS[self.stack.currentIndex()] if self.views else SCREENS[0]

    def show_screen(self, key: str) -> None:
        if self.top.currentIndex() != 1 or not self.views:
            return
        self.nav.setCurrentRow(SCREENS.index(key))

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        self.screen_shown.emit(SCREENS[row])

    def _focus_search(self) -> None:
        if self.top.currentIndex() != 1:
            return
        self.show_screen("people")
        people: PeopleView = self.views["people"]  # type: ignore[assignment]
        people.search.setFocus()
        people.search.selectAll()

    def _sync(self) -> None:
        if self.top.currentIndex() == 1:
            self.sync_requested.emit()

    def _verify(self) -> None:
        if self.top.currentIndex() == 1:
            self.verify_requested.emit()

    def show_locked(self) -> None:
        self.top.setCurrentIndex(0)
        self.lock_button.setEnabled(False)
        self.who.setText(self.tr("Locked"))

    def show_unlocked(self, who: str) -> None:
        self.top.setCurrentIndex(1)
        self.lock_button.setEnabled(True)
        self.who.setText(who)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)
        else:
            self.screen_shown.emit(self.current_screen())
        self.nav.setFocus()

    def show_status(self, online: bool, pending: int, pending_text: str) -> None:
        self.online.setText(("● " + self.tr("Online")) if online else ("○ " + self.tr("Offline")))
        self.pending.setText(pending_text)

    def show_sync(self, text: str, online: bool | None) -> None:
        self.sync_state.setText(text)
        if online is not None:
            self.online.setText(("● " + self.tr("Online")) if online else ("○ " + self.tr("Offline")))
