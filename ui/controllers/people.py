"""The People screen: search as you type (or scan a card into the search box), the chosen person's
household at a glance, and adding or editing people."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from fieldapp.domain.formats import format_number
from fieldapp.domain.scans import read_scan
from fieldapp.i18n import t
from fieldapp.outputs import Output, write_with
from fieldapp.services.registry import PersonForm, scanned_form
from fieldapp.storage import people, worklists
from fieldapp.storage.search import search_pks
from ui.controllers.importing import ImportController
from ui.controllers.merge import MergeController
from ui.controllers.person_form import PersonFormController
from ui.controllers.personal_data import PersonalDataController
from ui.models.people_model import COLUMNS
from ui.session import Session
from ui.tasks import Tasks
from ui.views.people import PeopleView

ROWS_AT_A_TIME = 5_000  # rows read from the store per query while a printed list is made


class _Cancelled(Exception):
    """The member pressed Cancel while a list was being printed: no file, no message."""


class PeopleController(QObject):
    _print_progress = Signal(int, int)  # page laid out, pages expected: from the database thread

    def __init__(self, session: Session, tasks: Tasks, view: PeopleView, today: Callable[[], date]) -> None:
        super().__init__(view)
        self.session = session
        self.tasks = tasks
        self.view = view
        self.today = today
        self._generation = 0
        self._household_of: str | None = None  # the list shows this person's household (open_person)
        self.forms = PersonFormController(session, tasks, view, today)
        view.search_changed.connect(self.search)
        view.person_selected.connect(self.show_person)
        view.new_requested.connect(self.forms.new)
        view.panel.edit_requested.connect(self._edit)
        view.panel.add_member_requested.connect(self._add_member)
        self.forms.saved.connect(lambda person: self.open_person(person.id))
        self.forms.open_existing.connect(self.open_person)
        self.imports = ImportController(session, tasks, view)
        view.import_requested.connect(self.imports.choose)
        view.list_chosen.connect(self.show_list)
        self.personal = PersonalDataController(session, tasks, view)
        view.panel.personal_data_requested.connect(self._personal_data)
        view.print_requested.connect(self.print_list)
        self.merging = MergeController(session, tasks, view)
        view.panel.merge_requested.connect(self._merge)
        self.merging.merged.connect(self.open_person)

    # --- the list -------------------------------------------------------------------------------------

    def _show_pks(self, pks, note: str = "", *, capped: bool = False) -> None:
        """`capped`: a search found more than it lists (the best SEARCH_LIMIT), and the count says so."""
        lang = self.session.lang
        self.view.model.lang = lang
        self.view.model.today = self.today()
        self.view.model.set_pks(pks)
        self.view.show_count(len(pks), lang, capped=capped)
        if note:
            self.view.count.setText(note)
        if len(pks):
            self.view.table.selectRow(0)

    def search(self, text: str) -> None:
        store = self.session.store
        if store is None:
            return
        if "|" in text:  # a USB scanner typed a card's QR into the search box
            self.scanned(text)
            return
        self._generation += 1
        self._household_of = None
        generation = self._generation

        def shown(pks) -> None:
            if generation == self._generation:  # else a later keystroke's search is on its way
                self._show_pks(pks, capped=bool(text.strip()) and len(pks) >= people.SEARCH_LIMIT)

        self.tasks.run(lambda: people.list_pks(store, text), shown)

    def scanned(self, text: str) -> None:
        """A scanned card: show that person if the registry has them, else offer the form filled from it."""
        store, lang = self.session.store, self.session.lang
        result = read_scan(text)
        self.view.search.blockSignals(True)
        self.view.search.clear()
        self.view.search.blockSignals(False)
        if not result.ok:
            self.view.count.setText(t(result.error.value, lang, detail=result.detail))
            return
        scan = result.person
        key = scan.citizen_id or scan.si_number or ""
        self._household_of = None

        def found(pks) -> None:
            if len(pks):
                self._show_pks(pks)
                return
            dialog = self.forms.new(scanned_form(scan))
            dialog.scan_message.setText(
                QCoreApplication.translate(
                    "PeopleController", "Not in the registry yet. Read from the card: check it with the person."
                )
            )

        self.tasks.run(lambda: search_pks(store, key, 5), found)

    def open_person(self, person_id: str) -> None:
        store = self.session.store
        if store is not None:
            self._household_of = person_id
            self.tasks.run(lambda: people.household_pks(store, person_id), self._show_pks)

    def forget_search(self) -> None:
        """Another member signed in: the search, the work list and the person the last one had open are not
        theirs to see or to go on from (issue 18). The list is read again when the screen shows."""
        self._generation += 1  # a search still on its way is not shown
        self._household_of = None
        self.view.clear_search()

    def reload_shown(self) -> None:
        """Records it shows were written (ui.controllers.refresh): read again what the list shows now. A
        household opened (a save opens its person's) stays open, its rows and the panel read again."""
        store, person_id = self.session.store, self._household_of
        if person_id is None or store is None:
            self.refresh()
            return

        def shown(pks) -> None:
            if self._household_of != person_id:
                return  # the member searched meanwhile
            if pks == self.view.model.pks():
                self.view.model.reload_rows()
                self.show_person(self.view.panel.person_id)
            else:
                self._show_pks(pks)

        self.tasks.run(lambda: people.household_pks(store, person_id), shown)

    def refresh(self) -> None:
        chosen = self.view.lists.currentData()
        if chosen:
            self.show_list(chosen)
        else:
            self.search(self.view.search.text())

    # --- work lists -----------------------------------------------------------------------------------

    def show_list(self, key: str) -> None:
        store = self.session.store
        if store is None:
            return
        if not key:
            self.search(self.view.search.text())
            return
        self._household_of = None
        today = self.today()
        load = {
            "not_insured": lambda: worklists.not_insured(store, today),
            "hi_ending": lambda: worklists.hi_ending(store, today),
            "vsi_due": lambda: worklists.vsi_due(store, today),
            "follow_ups": lambda: worklists.follow_ups(store, today),
        }[key]
        self._generation += 1
        generation = self._generation
        self.tasks.run(load, lambda pks: generation == self._generation and self._show_pks(pks))

    def print_list(self) -> None:
        """The list on screen as a PDF to carry on the round (opened for printing)."""
        from fieldapp.printing.lists import list_pdf

        store, lang = self.session.store, self.session.lang
        if store is None or not self.view.model.rowCount():
            return
        title = self.view.lists.currentText()
        team = self.session.team.name if self.session.team else ""
        name = f"danh-sach-{self.today().isoformat()}.pdf"
        path, _f = QFileDialog.getSaveFileName(self.view, title, str(Path.home() / name), "PDF (*.pdf)")
        if not path:
            return
        pks = list(self.view.model.pks())
        today = self.today()
        headers = [c[0]() for c in COLUMNS[:9]]
        cancel = threading.Event()
        dialog, shown = self._list_progress(title, len(pks), lang, cancel)

        def page_done(page: int, pages: int) -> None:
            if cancel.is_set():
                raise _Cancelled
            self._print_progress.emit(page, pages)

        def work() -> Path:
            rows = []
            for start in range(0, len(pks), ROWS_AT_A_TIME):
                if cancel.is_set():
                    raise _Cancelled
                chunk = pks[start : start + ROWS_AT_A_TIME]
                found = people.rows(store, chunk)
                rows += [[c[1](found[pk], lang) for c in COLUMNS[:9]] for pk in chunk if pk in found]
            out = Output(Path(path), force=True, data_dir=store.data_dir.root)  # the save dialog asked
            return write_with(
                out, lambda tmp: list_pdf(tmp, title, team, headers, rows, today, footer=team, progress=page_done)
            )

        def finished() -> None:
            self._print_progress.disconnect(shown)
            dialog.reset()
            dialog.deleteLater()

        def done(out: Path) -> None:
            finished()
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))

        def failed(exc: BaseException) -> None:
            finished()
            if not isinstance(exc, _Cancelled):
                self.tasks.report(exc)

        self.tasks.run(work, done, failed)

    def _list_progress(
        self, title: str, count: int, lang: str, cancel: threading.Event
    ) -> tuple[QProgressDialog, Callable[[int, int], None]]:
        """The progress of a list being made, page by page, with Cancel (which sets `cancel`); the slot that
        shows each page is returned too, to be disconnected from _print_progress when the list is done."""
        dialog = QProgressDialog(
            QCoreApplication.translate("PeopleController", "Making the list of %1 people…").replace(
                "%1", format_number(count, lang)
            ),
            QCoreApplication.translate("PeopleController", "Cancel"),
            0,
            0,
            self.view.window(),
        )
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.canceled.connect(cancel.set)

        def shown(page: int, pages: int) -> None:
            if not dialog.wasCanceled():
                dialog.setMaximum(pages)
                dialog.setValue(page)
                dialog.setLabelText(
                    QCoreApplication.translate("PeopleController", "Page %1 of about %2 (%3 people)…")
                    .replace("%1", str(page))
                    .replace("%2", str(pages))
                    .replace("%3", format_number(count, lang))
                )

        self._print_progress.connect(shown)
        return dialog, shown

    # --- the panel ------------------------------------------------------------------------------------

    def show_person(self, person_id: str | None) -> None:
        store = self.session.store
        lang = self.session.lang
        if store is None or person_id is None:
            self.view.panel.show_household(None, lang, self.today())
            return
        self.tasks.run(
            lambda: people.household_view(store, person_id),
            lambda view: self.view.panel.show_household(view, lang, self.today()),
        )

    def _edit(self, person_id: str) -> None:
        current = self.view.panel.current
        if current is not None and current.person.id == person_id:
            self.forms.edit(current.person, current.hamlet or "")

    def _personal_data(self, person_id: str) -> None:
        current = self.view.panel.current
        if current is not None and current.person.id == person_id:
            self.personal.open(current.person)

    def _merge(self, person_id: str) -> None:
        current = self.view.panel.current
        if current is not None and current.person.id == person_id:
            self.merging.open(current)

    def _add_member(self, person_id: str) -> None:
        current = self.view.panel.current
        if current is not None and current.person.id == person_id:
            prefill = PersonForm(commune_code=current.person.commune_code, hamlet=current.hamlet or "")
            self.forms.new(prefill, household_id=current.person.household_id)
