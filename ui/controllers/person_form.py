"""Adding and editing a person: check the form here, save on the database thread, ask about duplicates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldapp.domain import admin_units
from fieldapp.domain.formats import format_birth
from fieldapp.domain.models import Person
from fieldapp.domain.scans import read_scan
from fieldapp.errors import FieldappError
from fieldapp.i18n import t
from fieldapp.services import registry
from fieldapp.services.registry import FormRefused, PersonForm, PossibleDuplicates, SamePerson
from fieldapp.storage import registry as store_registry
from ui.session import Session
from ui.tasks import Tasks

if TYPE_CHECKING:
    from ui.views.person_dialog import PersonDialog


def form_of(person: Person, hamlet: str) -> PersonForm:
    return PersonForm(
        full_name=person.full_name,
        birth_date=format_birth(person.birth_date, person.birth_year),
        sex=person.sex,
        citizen_id=person.citizen_id or "",
        si_number=person.si_number or "",
        phone=person.phone or "",
        commune_code=person.commune_code,
        hamlet=hamlet,
        target_group=person.target_group,
        consent=person.consent_at is not None,
        hi_clinic=person.hi_clinic or "",
    )


class PersonFormController(QObject):
    saved = Signal(object)  # the Person saved
    open_existing = Signal(str)  # a person id the member chose to open instead

    def __init__(self, session: Session, tasks: Tasks, parent: QWidget, today: Callable[[], date]) -> None:
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.parent_widget = parent
        self.today = today
        self.dialog: PersonDialog | None = None

    # --- opening --------------------------------------------------------------------------------------

    def _communes(self) -> list[tuple[str, str]]:
        team = self.session.team
        codes = team.commune_codes if team else ()
        known = admin_units.communes()
        return [(code, known[code].name) for code in codes if code in known]

    def new(self, prefill: PersonForm | None = None, household_id: str | None = None) -> PersonDialog:
        dialog = self._dialog(
            QCoreApplication.translate("PersonFormController", "New person")
            if household_id is None
            else QCoreApplication.translate("PersonFormController", "New member of the household")
        )
        if prefill is not None:
            dialog.set_form(prefill)
        self._load_hamlets(dialog.commune.currentData())
        dialog.buttons.accepted.connect(lambda: self._save(None, household_id, allow_candidates=False))
        dialog.open()
        return dialog

    def edit(self, person: Person, hamlet: str) -> PersonDialog:
        dialog = self._dialog(QCoreApplication.translate("PersonFormController", "Edit person"))
        dialog.set_form(form_of(person, hamlet))
        self._load_hamlets(person.commune_code)
        dialog.buttons.accepted.connect(lambda: self._save(person, None, allow_candidates=True))
        dialog.open()
        return dialog

    def _dialog(self, title: str) -> PersonDialog:
        from ui.views.person_dialog import PersonDialog

        dialog = PersonDialog(self._communes(), self.session.lang, self.parent_widget)
        dialog.setWindowTitle(title)
        dialog.scanned.connect(self._scanned)
        dialog.commune_changed.connect(self._load_hamlets)
        self.dialog = dialog
        return dialog

    def _load_hamlets(self, commune_code: str | None) -> None:
        store, dialog = self.session.store, self.dialog
        if store is None or dialog is None or not commune_code:
            return

        def load() -> list[str]:
            with store.reading() as conn:
                return [h.name for h in store_registry.hamlets_of(conn, commune_code)]

        self.tasks.run(load, dialog.set_hamlets)

    # --- scanning ------------------------------------------------------------------------------------

    def _scanned(self, text: str) -> None:
        dialog, lang = self.dialog, self.session.lang
        result = read_scan(text)
        if not result.ok:
            detail = t(result.detail, lang) if result.detail.startswith("reason.") else result.detail
            dialog.scan_message.setText(t(result.error.value, lang, detail=detail))
            dialog.scan.selectAll()
            return
        dialog.fill_from_scan(result.person)

    # --- saving --------------------------------------------------------------------------------------

    def _save(self, editing: Person | None, household_id: str | None, *, allow_candidates: bool) -> None:
        dialog, lang, store = self.dialog, self.session.lang, self.session.store
        team_communes = set(self.session.team.commune_codes) if self.session.team else None
        try:
            clean = registry.check_person(dialog.form(), communes=team_communes, today=self.today())
        except FormRefused as exc:
            dialog.show_problems({p.field: t(p.code, lang, **p.params) for p in exc.problems})
            return
        dialog.show_problems({})
        actor = self.session.actor

        def work() -> Person:
            return registry.save_person(
                store, actor, clean, editing=editing, household_id=household_id, allow_candidates=allow_candidates
            ).value

        self.tasks.run(work, self._saved, lambda exc: self._refused(exc, editing, household_id))

    def _saved(self, person: Person) -> None:
        if self.dialog is not None:
            self.dialog.accept()
        self.saved.emit(person)

    def _refused(self, exc: BaseException, editing: Person | None, household_id: str | None) -> None:
        dialog, lang = self.dialog, self.session.lang
        if isinstance(exc, SamePerson):
            answer = QMessageBox.question(
                dialog,
                "fieldapp",
                t(exc.code, lang, **exc.params)
                + "\n\n"
                + QCoreApplication.translate("PersonFormController", "Open that record now?"),
            )
            if answer == QMessageBox.StandardButton.Yes:
                dialog.discard()  # the member chose the record that exists
                self.open_existing.emit(exc.existing.id)
            return
        if isinstance(exc, PossibleDuplicates):
            lines = "\n".join(
                f"• {p.full_name}, {format_birth(p.birth_date, p.birth_year) or '?'}" for p in exc.candidates
            )
            box = QMessageBox(dialog)
            box.setWindowTitle("fieldapp")
            box.setText(t(exc.code, lang, **exc.params) + "\n\n" + lines)
            create = box.addButton(
                QCoreApplication.translate("PersonFormController", "Another person: create"),
                QMessageBox.ButtonRole.AcceptRole,
            )
            open_it = box.addButton(
                QCoreApplication.translate("PersonFormController", "Same person: open it"),
                QMessageBox.ButtonRole.ActionRole,
            )
            box.addButton(
                QCoreApplication.translate("PersonFormController", "Go back"), QMessageBox.ButtonRole.RejectRole
            )
            box.exec()
            if box.clickedButton() is create:
                self._save(editing, household_id, allow_candidates=True)
            elif box.clickedButton() is open_it:
                dialog.discard()  # the member chose the record that exists
                self.open_existing.emit(exc.candidates[0].id)
            return
        if isinstance(exc, FieldappError):
            dialog.message.setText(t(exc.code, lang, **exc.params))
        else:
            self.tasks.report(exc)
