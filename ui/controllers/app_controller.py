"""The app's controller: opens the store, signs members in and out, loads each screen's data off the
GUI thread, applies settings. Views only lay out widgets and emit signals; the decisions are here."""

from __future__ import annotations

import logging
from concurrent.futures import Future
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from fieldapp.domain.clock import today
from fieldapp.domain.formats import format_number
from fieldapp.domain.permissions import Action, allowed
from fieldapp.errors import FieldappError, NeedPassphrase, WrongPassphrase
from fieldapp.i18n import label, t
from fieldapp.logs import log_path
from fieldapp.outputs import Output
from fieldapp.services.team import set_recovery_passphrase, sign_in
from fieldapp.settings import ALL as ALL_SETTINGS
from fieldapp.settings import (
    FONT_SCALE,
    IDLE_LOCK_MINUTES,
    LANGUAGE,
    PIN_LOCK_MINUTES,
    PIN_MAX_FAILURES,
    THEME,
    Setting,
)
from fieldapp.storage import people, search, work
from fieldapp.storage import team as team_store
from fieldapp.storage.store import OpenOptions, Store
from ui import theme
from ui.controllers.common import sign_in_refusal
from ui.controllers.enrol import EnrolController
from ui.controllers.fieldwork import FieldworkController
from ui.controllers.people import PeopleController
from ui.controllers.receipts import ReceiptsController
from ui.controllers.refresh import ChangeFeed, shows
from ui.controllers.sync import SyncController
from ui.controllers.tallies import TalliesController
from ui.main_window import MainWindow
from ui.session import Opened, Session
from ui.tasks import Tasks, beside
from ui.views.common import KeepsTypedWork
from ui.views.today import TodayData

log = logging.getLogger(__name__)
STATUS_REFRESH_MS = 30_000
SCREENS_AFTER_MS = 100  # after the sign-in list shows: long enough for it to be painted, far less than a PIN


class AppController(QObject):
    def __init__(self, app: QApplication, session: Session, *, synchronous: bool = False) -> None:
        super().__init__()
        self.app = app
        self.session = session
        self.tasks = Tasks(self.show_error, synchronous=synchronous)
        self.window: MainWindow | None = None
        self.on_language_change = None  # set by ui.app to rebuild the window
        self._early = None  # an open that finished before the window existed, shown at attach()
        # the controllers of the work screens that outlive a window rebuilt for another language, or that the
        # status bar asks: none until attach_screens() (the screens are made after the sign-in list shows)
        self.sync: SyncController | None = None
        self.release = None
        # the dialogs open when the app locked, hidden until their member signs in again (see lock())
        self.parked: tuple[object, list[QWidget]] | None = None  # (the member, the dialogs)
        self.notice: QMessageBox | None = None  # the word that another member's open work was closed
        self.last_member_id: str | None = None  # who signed in last: another member starts on a clean search
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self.lock)
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(STATUS_REFRESH_MS)
        self.status_timer.timeout.connect(self.refresh_status)
        # every committed write, once per burst: the screen in front reloads if it shows what changed
        self.feed = ChangeFeed(self)
        self.feed.changed.connect(self.changes_written)
        app.installEventFilter(self)

    # --- wiring ---------------------------------------------------------------------------------------

    def attach(self, window: MainWindow) -> None:
        self.window = window
        lock = window.lock_view
        lock.sign_in_requested.connect(self.try_sign_in)
        lock.passphrase_entered.connect(self.open_store)
        window.lock_requested.connect(self.lock)
        window.screen_shown.connect(self.load_screen)
        if window.views:
            self.attach_screens()
        self.refresh_status()
        if self._early is not None:  # the store finished opening before there was a window
            early, self._early = self._early, None
            early()

    def attach_screens(self) -> None:
        """Wire the work screens' controllers to the window's screens (once it has made them)."""
        window = self.window
        self.people = PeopleController(self.session, self.tasks, window.views["people"], today)
        self.fieldwork = FieldworkController(self.session, self.tasks, window, today)
        window.views["people"].panel.consult_requested.connect(self.fieldwork.consult)
        for screen in ("today", "consultations", "enrolments"):  # a row's person, opened on the People screen
            window.views[screen].person_opened.connect(self.open_person)
        window.views["people"].panel.person_opened.connect(self.open_person)
        window.views["consultations"].walk_in_requested.connect(lambda: self.fieldwork.consult(None))
        window.views["consultations"].event_requested.connect(self.fieldwork.new_event)
        self.enrolling = EnrolController(self.session, self.tasks, window, today)
        window.views["people"].panel.enrol_requested.connect(self.enrolling.enrol)
        self.fieldwork.enrol_requested.connect(self.enrolling.enrol)
        self.receipts = ReceiptsController(self.session, self.tasks, window.views["receipts"], window, today)
        self.enrolling.receipt_made.connect(self.receipts.print_new)
        self.receipts.changed.connect(self.refresh_status)
        window.verify_requested.connect(self.receipts.verify)
        self.tallies = TalliesController(self.session, self.tasks, window.views["tallies"], window, today)
        if self.sync is not None:  # the window is rebuilt for another language
            self.sync.shutdown()
        self.sync = SyncController(self.session, self.tasks, window.views["sync"], window)
        self.sync.synced.connect(lambda _r: self.work_saved())
        self.sync.state_changed.connect(self._show_sync_state)
        from ui.controllers.release import ReleaseController  # About, and a newer version on the server

        if self.release is not None:
            self.release.shutdown()
        self.release = ReleaseController(self.session, self.tasks, window, self.sync.synced)
        settings_view = window.views["settings"]
        settings_view.changed.connect(self.change_setting)
        settings_view.backup_requested.connect(self.backup)
        settings_view.passphrase_requested.connect(self.set_passphrase)
        self._show_sync_state()

    def open_person(self, person_id: str) -> None:
        """The People screen with this person chosen and their household beside them."""
        self.window.show_screen("people")
        self.people.open_person(person_id)

    def ensure_screens(self) -> None:
        """The work screens, made now if the window has not made them yet (see MainWindow.build_screens)."""
        if self.window is not None and not self.window.views:
            self.window.build_screens()
            self.attach_screens()

    def people_fetch(self, pks, callback) -> None:
        store = self.session.store
        if store is not None:
            self.tasks.run(lambda: people.rows(store, pks), callback)

    # --- errors ---------------------------------------------------------------------------------------

    def message(self, exc: BaseException) -> str:
        if isinstance(exc, FieldappError):
            return t(exc.code, self.session.lang, **exc.params)
        log.error("unexpected error", exc_info=exc)
        return t("error.unexpected", self.session.lang, log=str(log_path()))

    def show_error(self, exc: BaseException) -> None:
        QMessageBox.warning(self.window, "fieldapp", self.message(exc))

    # --- opening the store ------------------------------------------------------------------------

    def open_store(self, passphrase: str | None = None, *, early: Future | None = None) -> None:
        """Open the store on the database thread; `early`: an open already under way (ui.app.open_early)
        that gives (store, team, members) or raises as this would."""
        s = self.session
        if self.window:
            self.window.lock_view.show_opening()

        def work_() -> Opened:
            if early is not None:
                return Opened(*early.result())
            store = Store.open(s.data_dir, OpenOptions(passphrase=passphrase, dev_plaintext=s.dev_plaintext))
            team = team_store.current_team(store)
            members = team_store.members(store, team.id) if team else []
            return Opened(store, team, members)

        self.tasks.run(work_, self._opened, self._open_failed)

    def _open_failed(self, exc: BaseException) -> None:
        if self.window is None:
            self._early = lambda: self._open_failed(exc)
            return
        lock = self.window.lock_view
        if isinstance(exc, WrongPassphrase):
            lock.ask_passphrase(new=False, message=self.message(exc))
        elif isinstance(exc, NeedPassphrase):
            new = not self.session.data_dir.keystore.exists()
            lock.ask_passphrase(new=new)
        elif isinstance(exc, FieldappError) and exc.code == "keystore.passphrase_short":
            lock.ask_passphrase(new=True, message=self.message(exc))
        else:
            lock.show_opening(self.message(exc))

    def _opened(self, opened: Opened) -> None:
        if self.window is None:
            self._early = lambda: self._opened(opened)
            return
        self.session.opened(opened)
        self.feed.listen(opened.store)
        self.show_lock_screen()
        self.refresh_status()
        self.status_timer.start()
        if not self.window.views:  # the sign-in list is painted first; the work screens are made just after it
            QTimer.singleShot(SCREENS_AFTER_MS, self.ensure_screens)
        # While the member signs in, the search's indexes are read into memory: after a cold start the first
        # searches would otherwise wait on the disk (storage.search.warm; bench/search.py search_typed_cold).
        store = opened.store
        QTimer.singleShot(SCREENS_AFTER_MS, lambda: beside(lambda: search.warm(store), "warm-search"))

    def show_lock_screen(self) -> None:
        s = self.session
        self.window.show_locked()
        self.window.activateWindow()  # out of a dialog that was just hidden: the PIN goes to the lock screen
        if s.store is None:
            return
        if not s.members:
            self.window.lock_view.show_opening(
                QCoreApplication.translate(
                    "AppController",
                    "This laptop has no team yet. Run 'fieldapp demo-data' or enrol with the server.",
                )
            )
            return
        owner = self.parked[0].id if self.parked else None  # whose work waits: their name comes chosen
        self.window.lock_view.show_members(s.team.name if s.team else "", s.members, s.lang, owner)

    # --- signing in and locking -------------------------------------------------------------------

    def try_sign_in(self, member_id: str, pin: str) -> None:
        s = self.session
        store = s.store
        max_failures, lock_minutes = s.settings.get(PIN_MAX_FAILURES), s.settings.get(PIN_LOCK_MINUTES)
        self.tasks.run(
            lambda: sign_in(store, member_id, pin, max_failures=max_failures, lock_minutes=lock_minutes),
            self._signed_in,
            lambda exc: self.window.lock_view.show_message(self.message(exc)),
        )

    def _signed_in(self, result) -> None:
        refusal = sign_in_refusal(result, self.session.lang)
        if refusal is None:
            self.enter(result.member)
        else:
            self.window.lock_view.show_message(refusal)

    def enter(self, member) -> None:
        """Open the work screens for a signed-in member."""
        self.ensure_screens()
        if self.last_member_id not in (None, member.id):
            self.people.forget_search()  # before the screens show: the list is read again for this member
        self.last_member_id = member.id
        self.session.sign_in(member)
        self.window.show_unlocked(f"{member.full_name} — {label(member.role, self.session.lang)}")
        self.restart_idle()
        self._unpark(member)

    def lock(self) -> None:
        """Lock: every window but the lock screen hides, the dialogs with their drafts kept for their member."""
        member = self.session.member
        if member is None:
            return
        self.session.lock()
        self.idle.stop()
        self._park(member)
        self.show_lock_screen()

    def _park(self, member) -> None:
        """Hide every window but the main one. A dialog opened with open() (a consultation, an enrolment, a
        person's form) is kept as it is for its member; a question asked with exec() is answered Cancel
        (its caller goes on as if the member said no); menus and pop-ups just close."""
        kept: list[QWidget] = []
        for widget in QApplication.topLevelWidgets():
            if widget is self.window or not widget.isVisible():
                continue
            if isinstance(widget, QDialog) and widget.windowModality() != Qt.WindowModality.ApplicationModal:
                widget.setProperty("parked_at", widget.pos())  # shown again, the window manager would place it anew
                widget.hide()
                kept.append(widget)
            elif isinstance(widget, QDialog):
                widget.done(QDialog.DialogCode.Rejected)  # not reject(): nothing asks on the way out
            else:
                widget.hide()
        if kept:
            log.info("locked with %d dialog(s) open; kept for member %s", len(kept), member.id)
        self.parked = (member, kept) if kept else None

    def _unpark(self, member) -> None:
        """The same member: their dialogs come back as they were. Another member: never shown to them;
        closed without saving, and the member who signs in is told so (the work was not theirs to finish)."""
        if self.parked is None:
            return
        owner, kept = self.parked
        self.parked = None
        alive = [w for w in kept if shiboken6.isValid(w)]
        if owner.id == member.id:
            for widget in alive:
                widget.show()
                if widget.property("parked_at") is not None:
                    widget.move(widget.property("parked_at"))
            if alive:
                alive[-1].raise_()
                alive[-1].activateWindow()
            return
        had_work = any(isinstance(w, KeepsTypedWork) and w.has_typed_work() for w in alive)
        for widget in alive:
            if isinstance(widget, KeepsTypedWork):
                widget.discard()
            else:
                widget.done(QDialog.DialogCode.Rejected)
        log.info("member %s signed in; %d dialog(s) of member %s closed unsaved", member.id, len(alive), owner.id)
        if had_work:
            self.notice = QMessageBox(
                QMessageBox.Icon.Information,
                "fieldapp",
                QCoreApplication.translate(
                    "AppController",
                    "%1 had unsaved work open when the app locked. It was closed without saving, so that it is "
                    "not shown to another member.",
                ).replace("%1", owner.full_name),
                QMessageBox.StandardButton.Ok,
                self.window,
            )
            self.notice.open()

    def restart_idle(self) -> None:
        if self.session.member is not None:
            self.idle.start(self.session.settings.get(IDLE_LOCK_MINUTES) * 60_000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel)
            and self.idle.isActive()
        ):
            self.restart_idle()
        return False

    # --- screens ----------------------------------------------------------------------------------------

    def load_screen(self, key: str) -> None:
        from fieldapp.printing import escpos_address

        s = self.session
        store, team, member, lang = s.store, s.team, s.member, s.lang
        if store is None or member is None or self.window is None or not self.window.views:
            return
        views = self.window.views
        day = today()
        if key == "today":

            def load() -> TodayData:
                return TodayData(
                    work.day_summary(store, day, member.id, team.id if team else None),
                    work.members_day(store, team.id, day) if team else [],
                    work.follow_ups_due(store, day),
                    work.recent_consultations(store, limit=200, day=day),
                )

            self.tasks.run(load, lambda d: views["today"].show_data(d, team.name if team else "", lang))
        elif key == "people":
            self.people.refresh()
        elif key == "consultations":
            self.tasks.run(lambda: work.recent_consultations(store), lambda rows: views[key].show_rows(rows, lang))
        elif key == "enrolments":
            self.tasks.run(lambda: work.recent_enrolments(store), lambda rows: views[key].show_rows(rows, lang))
        elif key == "receipts":
            self.receipts.refresh()
        elif key == "tallies":
            self.tallies.refresh()
        elif key == "sync":
            self.sync.refresh()
        elif key == "settings":
            protection = self._protection_text()
            # a convenience: the service refuses a member too (services.team.set_recovery_passphrase)
            may_set = allowed(member, Action.SET_PASSPHRASE, team.id if team else None) and store.encrypted
            views[key].show_data_info(str(s.data_dir.root), protection, may_set)
            self.tasks.run(escpos_address.list_candidates, views[key].show_thermal_printers)

    def _protection_text(self) -> str:
        store = self.session.store
        if store is None or not store.encrypted:
            return QCoreApplication.translate("AppController", "NOT ENCRYPTED (development mode)")
        parts = [QCoreApplication.translate("AppController", "Encrypted (SQLCipher, AES-256).")]
        if store.keystore.has_slot("keyring"):
            parts.append(QCoreApplication.translate("AppController", "Key kept in the system keyring."))
        if store.keystore.has_slot("passphrase"):
            parts.append(QCoreApplication.translate("AppController", "A recovery passphrase is set."))
        return " ".join(parts)

    def changes_written(self, changes) -> None:
        """Records were written (`ChangeFeed`): the screen in front reloads only if it shows one of their
        types; the others reload when shown, as always. The status bar counts what waits to sync."""
        if self.window is not None and shiboken6.isValid(self.window) and self.window.views:
            key = self.window.current_screen()
            if shows(key, changes) and key == "people":
                self.people.reload_shown()  # the household a save opened stays open
            elif shows(key, changes):
                self.load_screen(key)
        self.refresh_status()

    def work_saved(self) -> None:
        """Records came from elsewhere (a sync's pull writes outside the use cases): the screen in front and
        the status bar show them."""
        if self.window is not None:
            self.load_screen(self.window.current_screen())
        self.refresh_status()

    def refresh_status(self) -> None:
        if self.window is None:
            return
        store = self.session.store
        if store is None:
            self.window.show_status(False, 0, "")
            return
        lang = self.session.lang

        def shown(n: int) -> None:
            self.window.show_status(
                bool(self.sync and self.sync.online),
                n,
                QCoreApplication.translate("AppController", "%1 changes waiting to sync").replace(
                    "%1", format_number(n, lang)
                ),
            )

        self.tasks.run(lambda: work.pending_changes(store), shown)
        self._show_sync_state()

    def _show_sync_state(self) -> None:
        if self.window is not None and self.sync is not None:
            self.window.show_sync(self.sync.status_text(), self.sync.online)

    # --- settings -----------------------------------------------------------------------------------------

    def change_setting(self, key: str, value: object) -> None:
        setting: Setting = next(s for s in ALL_SETTINGS if s.key == key)
        try:
            self.session.settings.set(setting, value)
        except (ValueError, OSError) as exc:
            log.warning("setting %s not saved: %s", key, exc)
            return
        if setting in (THEME, FONT_SCALE):
            theme.apply(self.app, self.session.settings.get(THEME), self.session.settings.get(FONT_SCALE))
        elif setting is IDLE_LOCK_MINUTES:
            self.restart_idle()
        elif setting is LANGUAGE and self.on_language_change:
            self.on_language_change()

    def backup(self, path: str) -> None:
        store = self.session.store
        lang = self.session.lang
        self.tasks.run(
            lambda: store.backup(Output(Path(path), force=True)),  # the save dialog asked
            lambda dest: QMessageBox.information(self.window, "fieldapp", t("backup.done", lang, path=str(dest))),
        )

    def set_passphrase(self, passphrase: str) -> None:
        store, actor = self.session.store, self.session.actor
        self.tasks.run(
            lambda: set_recovery_passphrase(store, actor, passphrase),
            lambda _none: (
                QMessageBox.information(
                    self.window,
                    "fieldapp",
                    QCoreApplication.translate("AppController", "The recovery passphrase is set."),
                ),
                self.load_screen("settings"),
            ),
        )

    def shutdown(self) -> None:
        self.feed.stop()
        self.status_timer.stop()
        self.idle.stop()
        if self.window is not None and self.window.views:
            self.receipts.shutdown()
            self.sync.shutdown()
            self.release.shutdown()
        self.tasks.shutdown()
        self.session.close()
