"""The release the laptop runs and the one the server offers: Help → About, and "Có phiên bản mới V" in
the status bar and on the Sync screen with a Download button (saved into the data folder's downloads/,
SHA-256 checked, never run: fieldapp/sync/updates.py)."""

from __future__ import annotations

import contextlib
import logging
from datetime import date

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QLabel

from fieldapp import __version__
from fieldapp.domain.admin_units import provinces
from fieldapp.domain.clock import today as vietnam_today
from fieldapp.domain.formats import format_date
from fieldapp.errors import FieldappError
from fieldapp.i18n import t
from fieldapp.paths import resource_path
from fieldapp.storage import migrations
from fieldapp.sync import status as sync_status
from fieldapp.sync import updates
from ui.session import Session
from ui.tasks import Tasks
from ui.views.about import AboutDialog, AboutInfo, UpdateNotice

log = logging.getLogger(__name__)


def fonts_line() -> str:
    try:
        lines = resource_path("fonts", "OFL.txt").read_text(encoding="utf-8").splitlines()
    except OSError:
        return "Noto Sans, SIL Open Font License 1.1"
    return f"{lines[0].rstrip('.')}; SIL Open Font License 1.1 (resources/fonts/OFL.txt)"


def rules_line(store, today: date) -> tuple[str, str]:
    """The About box's premium rules: the version and its files, and a warning when they may be stale."""
    from fieldapp.domain.premiums import default_rules
    from fieldapp.services import rules as rule_service

    rules = default_rules()
    kinds = {
        "national": QCoreApplication.translate("ReleaseController", "national"),
        "province": QCoreApplication.translate("ReleaseController", "province"),
    }
    parts = [
        f"{o.label()} ({kinds.get(o.kind, o.kind)}, {format_date(o.issued)})" if o.issued else o.label()
        for o in rules.files
    ]
    checked = rule_service.checked_on(store, rules)
    text = " + ".join(parts)
    if checked:
        text += " — " + QCoreApplication.translate("ReleaseController", "checked %1").replace(
            "%1", format_date(checked)
        )
    stale = ""
    if rule_service.stale(rules, paid_on=today, today=today, checked=checked):
        stale = QCoreApplication.translate(
            "ReleaseController", "These rules may be out of date: sync to get the newest before you take money."
        )
    return text, stale


def about_info(session: Session, today: date | None = None) -> AboutInfo:
    """What the About box says; reads the store (run it on the database thread)."""
    store = session.store
    schema, province, team, update = str(migrations.latest_version()), "", "", ""
    if store is not None:
        schema = str(store.schema_version)
        code = sync_status(store).province_code or (session.team.province_code if session.team else "")
        if code:
            found = provinces().get(code)
            province = f"{found.name} ({code})" if found else code
        team = session.team.name if session.team else ""
        newer = updates.available(store)
        update = f"fieldapp {newer.version}" if newer else ""
    rules, stale = rules_line(store, today or vietnam_today())
    return AboutInfo(
        __version__, schema, str(session.data_dir.root), province, team, fonts_line(), update, rules, stale
    )


class ReleaseController(QObject):
    def __init__(self, session: Session, tasks: Tasks, window, synced_signal=None) -> None:
        super().__init__(window)
        self.session = session
        self.tasks = tasks.owned()  # see SyncController: a rebuilt window drops the old one's results
        self.net = Tasks(tasks.report, parent=self)  # a download must not hold up the database thread
        self.window = window
        self.dialog: AboutDialog | None = None
        self.version: str | None = None
        self.notice = UpdateNotice()
        panel = window.views["sync"].panel
        panel.layout().insertWidget(1, self.notice)  # under the sync facts, above Sync now
        self.status = QLabel()
        self.status.setObjectName("warning")
        self.status.hide()
        window.statusBar().addWidget(self.status)
        window.about_requested.connect(self.about)
        self.notice.download_requested.connect(self.download)
        session.store_opened.connect(self.refresh)
        if synced_signal is not None:
            synced_signal.connect(lambda _result: self.refresh())
        if session.store is not None:
            self.refresh()

    @property
    def lang(self) -> str:
        return self.session.lang

    def about(self) -> None:
        def shown(info: AboutInfo) -> None:
            self.dialog = AboutDialog(info, self.window)
            self.dialog.open()

        self.tasks.run(lambda: about_info(self.session), shown)

    def refresh(self) -> None:
        store = self.session.store
        if store is not None:
            self.tasks.run(lambda: updates.available(store), self._show)

    def _show(self, found: updates.Available | None) -> None:
        self.version = found.version if found else None
        self.notice.show_version(self.version)
        if self.version:
            self.status.setText(self.tr("New version %1").replace("%1", self.version))
            self.status.setToolTip(self.tr("Sync screen: download it for IT to install"))
        self.status.setVisible(bool(self.version))

    def download(self) -> None:
        store = self.session.store
        if store is None:
            return
        self.notice.set_busy(True)

        def done(path) -> None:
            self.notice.set_busy(False)
            self.notice.message.setText(
                self.tr("Saved to %1 (SHA-256 checked). Give it to IT to install; it was not run.").replace(
                    "%1", str(path)
                )
            )

        def failed(exc: BaseException) -> None:
            self.notice.set_busy(False)
            if isinstance(exc, FieldappError):
                self.notice.message.setText(t(exc.code, self.lang, **exc.params))
            else:
                log.error("installer download failed", exc_info=exc)
                self.notice.message.setText("")
                self.tasks.report(exc)

        self.net.run(lambda: updates.download(store), done, failed)

    def shutdown(self) -> None:
        self.tasks.close()
        with contextlib.suppress(RuntimeError, TypeError):  # already disconnected
            self.session.store_opened.disconnect(self.refresh)
        self.net.shutdown()
