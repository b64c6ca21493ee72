"""The GUI side of sync: enrolling from the Sync screen, "Sync now" and the background sync, the status
bar's sync state. The Conflicts page's lists and choices are ui.controllers.conflicts'.

Network work (enrol, sync) runs on its own worker (a second `Tasks`), never on the database thread, so a
sync waiting a minute for a slow link blocks no screen; the store's lock keeps the two threads apart.
The engine's progress is handed to the GUI thread through a queued signal; "Cancel" sets an event the
engine checks between batches. One sync at a time; after a failure the next try waits longer (doubling,
with jitter, up to an hour); a revoked laptop stops syncing (its data stays); an unknown token asks to
enrol again.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldapp.domain.formats import format_datetime, format_number
from fieldapp.errors import FieldappError
from fieldapp.i18n import t
from fieldapp.settings import SYNC_INTERVAL_MINUTES
from fieldapp.storage import people
from fieldapp.storage import team as team_store
from fieldapp.sync import (
    Conflict,
    Progress,
    SyncEngine,
    SyncResult,
    SyncStatus,
    clash_line,
    clashes,
    conflicts,
    merge_candidates,
    refused_line,
    refused_pulls,
    refused_rule_files,
    rejected_ops,
    status,
)
from fieldapp.sync.enrol import Offer, accept_enrolment, outside_message, request_enrolment
from ui.controllers.bundle import BundleController
from ui.controllers.conflicts import ConflictsController, entity_label
from ui.session import Session
from ui.tasks import Tasks
from ui.views.sync import SyncView

log = logging.getLogger(__name__)

STARTUP_DELAY_MS = 2_000
MAX_BACKOFF_MS = 60 * 60_000
STOPPING = ("sync.revoked", "sync.enrol_again", "sync.not_enrolled")


@dataclass(frozen=True)
class Loaded:
    status: SyncStatus
    team: str
    conflicts: list[Conflict]
    candidates: list[tuple[int, str, str, str, str, str]]  # id, person_id, other_id, their names, reason
    rejected: list
    clashes: list[tuple[str, str]]  # pulled records kept aside by a UNIQUE clash: (what, message)


class SyncController(QObject):
    synced = Signal(object)  # SyncResult: the records pulled may change every screen
    state_changed = Signal()  # the status bar's part changed
    _progress = Signal(object)  # Progress, from the network thread

    def __init__(
        self,
        session: Session,
        tasks: Tasks,
        view: SyncView,
        window: QWidget,
        *,
        engine: Callable[..., SyncEngine] = SyncEngine,
        enrol_kw: dict | None = None,
    ) -> None:
        super().__init__(window)
        self.session = session
        self.tasks = tasks.owned()  # shut down (a window rebuilt for another language): its results are dropped
        self.net = Tasks(tasks.report, parent=self)  # its own worker thread for the network
        self.view = view
        self.window = window
        self.engine = engine
        self.enrol_kw = enrol_kw or {}
        self.running = False
        self.online: bool | None = None  # from the last attempt; None before any
        self.failures = 0
        self.stopped: str | None = None  # an error code that turned background sync off
        self.enrolled = False
        self.last: SyncStatus | None = None
        self.progress: Progress | None = None
        self._cancel = threading.Event()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._background)
        self._progress.connect(self._show_progress)
        # the Conflicts page: its lists and what is done with them
        self.conflicts = ConflictsController(session, self.tasks, view.conflicts, window)
        self.conflicts.changed.connect(self._changed_here)
        self.conflicts.stale.connect(self.refresh)
        panel, form = view.panel, view.enrol_form
        form.enrol_requested.connect(self.enrol)
        panel.sync_requested.connect(self.sync_now)
        panel.cancel_requested.connect(self.cancel)
        session.signed_in.connect(self._signed_in)
        if hasattr(window, "sync_requested"):  # F9 anywhere in the main window
            window.sync_requested.connect(self.sync_shortcut)
        settings_view = getattr(window, "views", {}).get("settings")
        if settings_view is not None:  # the interval applies at once, not at the next start
            settings_view.changed.connect(self._setting_changed)
        self.question: QMessageBox | None = None  # the warning before enrolling, while it is open
        session.locked.connect(self.timer.stop)
        # the USB buttons: an imported answer changes records and the outbox, as a sync does
        self.bundles = BundleController(session, self.tasks, view.panel, window, changed=self._changed_here)

    def _changed_here(self) -> None:
        """Records changed on this laptop (a USB answer taken, a conflict settled): as after a sync."""
        self.synced.emit(None)
        self.refresh()

    @property
    def lang(self) -> str:
        return self.session.lang

    # --- the schedule ---------------------------------------------------------------------------------

    def _signed_in(self, _member) -> None:
        self.start()

    def start(self) -> None:
        """Signed in: a sync soon, then every few minutes."""
        self.refresh()
        self.timer.start(STARTUP_DELAY_MS)

    def _interval_ms(self) -> int:
        return self.session.settings.get(SYNC_INTERVAL_MINUTES) * 60_000

    def _setting_changed(self, key: str, value: object) -> None:
        """A new interval on the Settings screen: the waiting background sync is timed by it from now (a
        backoff after failures, or a sync running, keeps its own course)."""
        if key != SYNC_INTERVAL_MINUTES.key or self.failures or self.running or not self.timer.isActive():
            return
        self.timer.start(SYNC_INTERVAL_MINUTES.coerce(value) * 60_000)

    def _schedule(self) -> None:
        if self.session.member is None or self.stopped or not self.enrolled:
            self.timer.stop()
            return
        ms = self._interval_ms()
        if self.failures:
            ms = min(ms * 2 ** min(self.failures - 1, 10), MAX_BACKOFF_MS)
            ms = int(ms * random.uniform(0.8, 1.2))
        self.timer.start(ms)

    def _background(self) -> None:
        if self.session.member is None or self.stopped:
            return
        if not self.enrolled:  # the status is not known yet: look, then decide
            self.refresh(then_sync=True)
            return
        self.sync_now(background=True)

    # --- status -------------------------------------------------------------------------------------------

    def refresh(self, then_sync: bool = False) -> None:
        store = self.session.store
        if store is None:
            return

        def load() -> Loaded:
            st = status(store)
            team = team_store.current_team(store)
            cands = []
            for c in merge_candidates(store):
                a, b = people.get(store, c.person_id), people.get(store, c.other_id)
                names = (a.full_name if a else "?", b.full_name if b else "?")
                cands.append((c.id, c.person_id, c.other_id, *names, c.reason))
            kept = [(f"{entity_label(c.entity)} {c.entity_id[:8]}", clash_line(c, self.lang)) for c in clashes(store)]
            kept += [(f"{entity_label(r.entity)} {r.entity_id[:8]}", refused_line(r, self.lang))
                     for r in refused_pulls(store)]  # fmt: skip
            rule_file = QCoreApplication.translate("SyncController", "Premium rule file")
            kept += [(rule_file, line) for line in refused_rule_files(store, self.lang)]  # a bad signature, a bad file
            return Loaded(st, team.name if team else "", conflicts(store), cands, rejected_ops(store), kept)

        def shown(d: Loaded) -> None:
            self._show(d)
            if then_sync and self.enrolled:
                self.sync_now(background=True)

        self.tasks.run(load, shown)

    def _show(self, d: Loaded) -> None:
        st, lang, view = d.status, self.lang, self.view
        self.last, self.enrolled = st, st.enrolled
        self.state_changed.emit()
        if not st.enrolled:
            if view.pages.currentWidget() is not view.enrol_form or not view.enrol_form.message.text():
                view.show_enrol(view.enrol_form.message.text())
            return
        if self.stopped == "sync.enrol_again":
            view.show_enrol(t("sync.enrol_again", lang))
            return
        view.show_enrolled()
        p = view.panel
        p.server.setText(st.server_url or "")
        p.team.setText(d.team or (st.team_id or ""))
        p.last.setText(
            format_datetime(st.last_ok, lang) if st.last_ok else QCoreApplication.translate("SyncController", "never")
        )
        p.pending.setText(format_number(st.pending, lang))
        p.conflicts.setText(format_number(st.conflicts, lang))
        p.rejected.setText(format_number(st.rejected + st.parked, lang))
        p.candidates.setText(format_number(st.candidates, lang))
        store = self.session.store
        p.device.setText(store.device_id if store else "")
        p.set_running(self.running or bool(self.stopped))
        if self.stopped:
            p.cancel_button.setEnabled(False)
        self.conflicts.show(d.conflicts, d.candidates, d.rejected, d.clashes)

    def status_text(self) -> str:
        """The status bar's sync part: syncing… with progress, or the last good sync, or why it is off."""
        lang = self.lang
        if self.running:
            p = self.progress
            return t("sync.progress", lang, pushed=format_number(p.pushed if p else 0, lang),
                     pulled=format_number(p.pulled if p else 0, lang))  # fmt: skip
        if self.stopped == "sync.revoked":
            return QCoreApplication.translate("SyncController", "Sync off: this laptop was revoked")
        if self.stopped == "sync.enrol_again":
            return QCoreApplication.translate("SyncController", "Sync off: enrol again")
        if self.last is None or not self.last.enrolled:
            return QCoreApplication.translate("SyncController", "Not enrolled with a server")
        if self.last.last_ok:
            return QCoreApplication.translate("SyncController", "Last sync: %1").replace(
                "%1", format_datetime(self.last.last_ok, lang)
            )
        return QCoreApplication.translate("SyncController", "Never synced")

    # --- enrolling -----------------------------------------------------------------------------------------

    def enrol(self, url: str, code: str) -> None:
        store, form = self.session.store, self.view.enrol_form
        if store is None or self.running:
            return
        if not url or not code:
            form.message.setText(
                QCoreApplication.translate("SyncController", "Type the server's address and the one-time code.")
            )
            return
        form.set_busy(True)
        kw = self.enrol_kw

        def offered(offer: Offer) -> None:
            if offer.outside:  # work here that the new team cannot take: say how much, let them cancel
                self._ask_outside(offer, lambda: self.net.run(lambda: accept_enrolment(store, offer), done, failed))
            else:
                self.net.run(lambda: accept_enrolment(store, offer), done, failed)

        def done(_enrolled) -> None:
            form.set_busy(False)
            form.message.setText("")
            form.code.clear()
            self.stopped, self.failures = None, 0
            self.refresh(then_sync=True)

        def failed(exc: BaseException) -> None:
            form.set_busy(False)
            if isinstance(exc, FieldappError):
                form.message.setText(t(exc.code, self.lang, **exc.params))
            else:
                form.message.setText("")
                self.tasks.report(exc)

        self.net.run(lambda: request_enrolment(store, url, code, **kw), offered, failed)

    def _ask_outside(self, offer: Offer, go: Callable[[], None]) -> None:
        form, lang = self.view.enrol_form, self.lang
        box = QMessageBox(QMessageBox.Icon.Warning, "fieldapp", outside_message(offer, lang),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self.window)  # fmt: skip
        box.setInformativeText(t("sync.enrol_outside_ask", lang))
        box.button(QMessageBox.StandardButton.Yes).setText(QCoreApplication.translate("SyncController", "Enrol anyway"))
        box.button(QMessageBox.StandardButton.Cancel).setText(QCoreApplication.translate("SyncController", "Cancel"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.question = box

        def answered(_result: int) -> None:
            self.question = None
            if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
                go()
            else:
                form.set_busy(False)
                form.message.setText(t("sync.enrol_cancelled", lang))

        box.finished.connect(answered)
        box.open()

    # --- syncing -------------------------------------------------------------------------------------------

    def sync_now(self, background: bool = False) -> None:
        store = self.session.store
        if store is None or self.running or self.session.member is None:
            return
        if self.stopped and background:
            return
        self.timer.stop()
        self.running, self.progress = True, None
        self.stopped = None if not background else self.stopped
        self._cancel = threading.Event()
        cancel, engine, emit = self._cancel, self.engine, self._progress.emit
        self.view.panel.set_running(True)
        self.view.panel.message.setText("")
        self.view.panel.progress.setText(self.status_text())
        self.state_changed.emit()
        self.net.run(lambda: engine(store).sync(progress=emit, cancel=cancel), self._done, self._failed)

    def sync_shortcut(self) -> None:
        """F9 on any screen: sync now; not enrolled yet, the Sync screen with its enrol form."""
        if self.session.member is None:
            return
        if not self.enrolled:
            self.window.show_screen("sync")
            return
        self.sync_now()

    def cancel(self) -> None:
        if self.running:
            self._cancel.set()
            self.view.panel.cancel_button.setEnabled(False)
            self.view.panel.progress.setText(QCoreApplication.translate("SyncController", "Stopping after this batch…"))

    def _show_progress(self, p: Progress) -> None:
        if not self.running:
            return
        self.progress = p
        if not self._cancel.is_set():
            self.view.panel.progress.setText(self.status_text())
        self.state_changed.emit()

    def _finish(self) -> None:
        self.running = False
        self.view.panel.set_running(False)

    def _done(self, r: SyncResult) -> None:
        self._finish()
        self.online, self.failures = True, 0
        lang = self.lang
        n = lambda v: format_number(v, lang)  # noqa: E731
        if r.cancelled:
            text = t("sync.cancelled", lang)
        else:
            text = t("sync.done", lang, pushed=n(r.pushed), pulled=n(r.pulled), pending=n(r.pending),
                     conflicts=n(r.conflicts), rejected=n(r.rejected))  # fmt: skip
        self.view.panel.progress.setText(text)
        self.synced.emit(r)
        self.refresh()
        self._schedule()

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        if not isinstance(exc, FieldappError):
            self.failures += 1
            self.tasks.report(exc)
            self._schedule()
            return
        code = exc.code
        if code == "sync.busy":
            self._schedule()
            return
        self.view.panel.message.setText(t(code, self.lang, **exc.params))
        self.view.panel.progress.setText("")
        if code in STOPPING:
            self.online = code != "sync.not_enrolled" or None
            self.stopped = code
            self.timer.stop()
            log.warning("background sync stopped: %s", code)
        else:
            self.online = False
            self.failures += 1
            self._schedule()
        self.refresh()

    def shutdown(self) -> None:
        """Stop for good (quitting, or the window rebuilt for another language): the session's signals no
        longer reach this controller and what its tasks bring back is dropped, for its widgets are going."""
        self.timer.stop()
        self._cancel.set()
        self.tasks.close()
        for signal, slot in ((self.session.signed_in, self._signed_in), (self.session.locked, self.timer.stop)):
            with contextlib.suppress(RuntimeError, TypeError):  # already disconnected
                signal.disconnect(slot)
        self.net.shutdown()
