"""The People screen: search as you type, and the chosen person's household at a glance."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject

from fieldapp.storage import people
from ui.session import Session
from ui.tasks import Tasks
from ui.views.people import PeopleView


class PeopleController(QObject):
    def __init__(self, session: Session, tasks: Tasks, view: PeopleView, today: Callable[[], date]) -> None:
        super().__init__(view)
        self.session = session
        self.tasks = tasks
        self.view = view
        self.today = today
        self._generation = 0
        view.search_changed.connect(self.search)
        view.person_selected.connect(self.show_person)

    def search(self, text: str) -> None:
        store = self.session.store
        if store is None:
            return
        lang = self.session.lang
        self._generation += 1
        generation = self._generation

        def shown(pks) -> None:
            if generation != self._generation:
                return  # a later keystroke's search is on its way
            self.view.model.lang = lang
            self.view.model.today = self.today()
            self.view.model.set_pks(pks)
            self.view.show_count(len(pks), lang)
            if len(pks):
                self.view.table.selectRow(0)

        self.tasks.run(lambda: people.list_pks(store, text), shown)

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

    def refresh(self) -> None:
        self.search(self.view.search.text())
