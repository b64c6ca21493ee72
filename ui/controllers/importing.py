"""Importing prospect lists from the People screen: plan, map, try, import, off the GUI thread."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from fieldapp.i18n import t
from ui.controllers.common import show_refusal
from ui.session import Session
from ui.tasks import Tasks

if TYPE_CHECKING:
    from fieldapp.services.importer import ImportResult
    from ui.views.import_dialog import ImportDialog


class ImportController(QObject):
    imported = Signal()

    def __init__(self, session: Session, tasks: Tasks, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.parent_widget = parent
        self.dialog: ImportDialog | None = None

    def choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self.parent_widget,
            QCoreApplication.translate("ImportController", "Choose a list"),
            "",
            QCoreApplication.translate("ImportController", "Lists (*.csv *.xlsx *.txt);;All files (*)"),
        )
        if path:
            self.open(Path(path))

    def open(self, path: Path) -> None:
        from fieldapp.services.importer import plan_import

        self.tasks.run(lambda: plan_import(path), self._planned)

    def _planned(self, plan) -> None:
        from ui.views.import_dialog import ImportDialog

        dialog = ImportDialog(plan, self.session.lang, self.parent_widget)
        self.dialog = dialog
        dialog.try_requested.connect(lambda: self._run(dry_run=True))
        dialog.import_requested.connect(lambda: self._run(dry_run=False))
        dialog.open()

    def _run(self, *, dry_run: bool) -> None:
        from fieldapp.services.importer import run_import

        dialog, lang, store = self.dialog, self.session.lang, self.session.store
        plan = replace(dialog.plan, mapping=dialog.mapping())
        province = self.session.team.province_code if self.session.team else "33"
        actor = self.session.actor
        errors_dir = self.session.data_dir.root / "imports"
        dialog.busy(True)

        def done(result: ImportResult) -> None:
            dialog.busy(False)
            counts = {
                "rows": result.rows,
                "imported": result.imported,
                "duplicates": result.duplicates,
                "rejected": result.rejected,
            }
            text = t("import.dry_run" if dry_run else "import.done", lang, **counts)
            if result.errors_file:
                text += "\n" + t("import.errors_file", lang, path=str(result.errors_file))
            dialog.result.setText(text)
            if not dry_run:
                dialog.import_button.setEnabled(False)
                self.imported.emit()

        self.tasks.run(
            lambda: run_import(
                store, plan, actor, province=province, dry_run=dry_run, lang=lang, errors_dir=errors_dir
            ),
            done,
            show_refusal(dialog.result, lang, self.tasks, before=lambda: dialog.busy(False)),
        )
