"""A person's own data, on their request (Law 91/2025): consent, a copy they can take, erasure."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from fieldapp.domain.models import Person
from fieldapp.domain.permissions import Action, allowed
from fieldapp.errors import FieldappError
from fieldapp.i18n import t
from fieldapp.outputs import Output, write_bytes
from fieldapp.services import registry
from ui.session import Session
from ui.tasks import Tasks


class PersonalDataController(QObject):
    changed = Signal(str)  # the person id

    def __init__(self, session: Session, tasks: Tasks, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.parent_widget = parent

    def open(self, person: Person) -> None:
        box = QMessageBox(self.parent_widget)
        box.setWindowTitle(QCoreApplication.translate("PersonalDataController", "Personal data"))
        consent = (
            QCoreApplication.translate("PersonalDataController", "Agreed that the team keeps their data.")
            if person.consent_at
            else QCoreApplication.translate("PersonalDataController", "Has not agreed that the team keeps their data.")
        )
        box.setText(f"{person.full_name}\n{consent}")
        toggle = box.addButton(
            QCoreApplication.translate("PersonalDataController", "Withdraw consent")
            if person.consent_at
            else QCoreApplication.translate("PersonalDataController", "Record consent"),
            QMessageBox.ButtonRole.ActionRole,
        )
        export = box.addButton(
            QCoreApplication.translate("PersonalDataController", "Export a copy…"), QMessageBox.ButtonRole.ActionRole
        )
        erase = box.addButton(
            QCoreApplication.translate("PersonalDataController", "Erase on request…"),
            QMessageBox.ButtonRole.DestructiveRole,
        )
        box.addButton(QCoreApplication.translate("PersonalDataController", "Close"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        clicked = box.clickedButton()
        if clicked is toggle:
            self._write(
                person, lambda store, actor: registry.change_consent(store, actor, person, not person.consent_at)
            )
        elif clicked is export:
            self.export(person)
        elif clicked is erase:
            self.erase(person)

    def export(self, person: Person, path: str | None = None) -> None:
        if path is None:
            path, _f = QFileDialog.getSaveFileName(
                self.parent_widget,
                QCoreApplication.translate("PersonalDataController", "Export a copy"),
                str(Path.home() / "du-lieu-ca-nhan.json"),
                "JSON (*.json)",
            )
        if not path:
            return
        store, actor = self.session.store, self.session.actor

        def work() -> None:
            copy = registry.export_copy(store, actor, person.id).value
            data = json.dumps(copy, ensure_ascii=False, indent=1, default=str).encode("utf-8")
            write_bytes(Output(Path(path), force=True, data_dir=store.data_dir.root), data)  # 0600: personal data

        self.tasks.run(work)

    def erase(self, person: Person, typed: str | None = None) -> None:
        """Only a leader (or admin) of the laptop's team erases, after typing the person's name: it cannot be
        undone. The service decides (fieldapp.domain.permissions); asking first only spares the typing."""
        member, team = self.session.member, self.session.team
        lang = self.session.lang
        if not allowed(member, Action.ERASE_PERSON, team.id if team else None):
            QMessageBox.warning(self.parent_widget, "fieldapp", t("erase.leader_only", lang))
            return
        if typed is None:
            typed, ok = QInputDialog.getText(
                self.parent_widget,
                QCoreApplication.translate("PersonalDataController", "Erase on request"),
                QCoreApplication.translate(
                    "PersonalDataController",
                    "This erases the person's name, identifiers, phone and the notes about them, here and, at the "
                    "next sync, on the server. Receipts keep the payer's name. Type the full name to confirm:",
                ),
                QLineEdit.EchoMode.Normal,
            )
            if not ok:
                return
        if " ".join(typed.split()) != person.full_name:
            QMessageBox.warning(self.parent_widget, "fieldapp", t("erase.name_mismatch", lang))
            return
        self._write(person, lambda store, actor: registry.erase_person(store, actor, person))

    def _write(self, person: Person, change) -> None:
        store, actor, lang = self.session.store, self.session.actor, self.session.lang

        def work() -> None:
            change(store, actor)

        def refused(exc: BaseException) -> None:
            if isinstance(exc, FieldappError):
                QMessageBox.warning(self.parent_widget, "fieldapp", t(exc.code, lang, **exc.params))
            else:
                self.tasks.report(exc)

        self.tasks.run(work, lambda _r: self.changed.emit(person.id), refused)
