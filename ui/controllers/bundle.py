"""The Sync screen's two USB buttons: export the pending work as a sync bundle file, import the server's
answer bundle (fieldapp/sync/bundle.py does the work, on the database thread; the file dialogs are the
only thing here that waits for the person)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QFileDialog, QWidget

from fieldapp.domain.clock import today as vietnam_today
from fieldapp.domain.formats import format_number
from fieldapp.errors import FieldappError
from fieldapp.i18n import t
from fieldapp.outputs import Output
from ui.session import Session
from ui.tasks import Tasks
from ui.views.sync import SyncPanel

if TYPE_CHECKING:
    from fieldapp.sync.bundle import Exported, Taken


class BundleController(QObject):
    def __init__(
        self, session: Session, tasks: Tasks, panel: SyncPanel, window: QWidget, *, changed: Callable[[], None]
    ) -> None:
        super().__init__(window)
        self.session, self.tasks, self.panel, self.window = session, tasks, panel, window
        self.changed = changed  # the pulled records and the outbox changed: refresh the screens
        self.folder = Path.home()
        panel.bundle_export_requested.connect(self.export)
        panel.bundle_import_requested.connect(self.import_)

    def _filter(self) -> str:
        return QCoreApplication.translate("BundleController", "Sync bundles (*.fab);;All files (*)")

    def _busy(self, busy: bool) -> None:
        self.panel.export_button.setEnabled(not busy)
        self.panel.import_button.setEnabled(not busy)

    def export(self) -> None:
        store = self.session.store
        if store is None or self.session.member is None:
            return
        suggested = self.folder / f"fieldapp-{vietnam_today().isoformat()}.fab"
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            QCoreApplication.translate("BundleController", "Export sync bundle to USB"),
            str(suggested),
            self._filter(),
        )
        if not path:
            return
        if not path.endswith(".fab") and not Path(path).suffix:
            path += ".fab"
        self.folder = Path(path).parent
        self._busy(True)
        self.panel.message.setText("")
        from fieldapp.sync.bundle import export_bundle  # and its cryptography, when a bundle is made

        out = Output(Path(path), force=True)  # the save dialog asked before replacing a file
        self.tasks.run(lambda: export_bundle(store, out), self._exported, self._failed)

    def _exported(self, done: Exported) -> None:
        self._busy(False)
        lang = self.session.lang
        self.panel.progress.setText(
            t("bundle.exported", lang, path=str(done.path), ops=format_number(done.ops, lang), seq=done.seq)
        )

    def import_(self) -> None:
        store = self.session.store
        if store is None or self.session.member is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            QCoreApplication.translate("BundleController", "Import answer bundle from USB"),
            str(self.folder),
            self._filter(),
        )
        if not path:
            return
        self.folder = Path(path).parent
        self._busy(True)
        self.panel.message.setText("")
        from fieldapp.sync.bundle import import_bundle

        self.tasks.run(lambda: import_bundle(store, path), self._imported, self._failed)

    def _imported(self, taken: Taken) -> None:
        self._busy(False)
        lang = self.session.lang
        n = lambda v: format_number(v, lang)  # noqa: E731
        if taken.already_imported:
            self.panel.progress.setText(t("bundle.already_imported", lang, seq=taken.seq))
            return
        self.panel.progress.setText(
            t("bundle.imported", lang, seq=taken.seq, accepted=n(taken.accepted), conflicts=n(taken.conflicts),
              rejected=n(taken.rejected), pulled=n(taken.pulled), pending=n(taken.pending))
        )  # fmt: skip
        self.changed()

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        if not isinstance(exc, FieldappError):
            self.tasks.report(exc)
            return
        self.panel.progress.setText("")
        self.panel.message.setText(t(exc.code, self.session.lang, **exc.params))
