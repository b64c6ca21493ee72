"""Screens that list recent records: consultations, enrolments (receipts have their own screen)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Signal, SignalInstance
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from fieldapp.domain import products
from fieldapp.domain.formats import format_date, format_datetime, format_number, format_vnd
from fieldapp.i18n import label, t
from fieldapp.storage.work import ConsultationRow, EnrolmentRow
from ui.models.list_model import Column, ListModel
from ui.views.common import table, title


def opens_person(
    table_: QTableView, model: ListModel, signal: SignalInstance, person_of: Callable[[Any], str | None] | None = None
) -> None:
    """Enter or a double-click on a row opens its person (`signal.emit(person_id)`), where the row has one
    (`person_of(row)`, by default its `person_id`): a list of people that does nothing when one is chosen is a
    dead end."""
    person_of = person_of or (lambda row: row.person_id)

    def activated(index: QModelIndex) -> None:
        person_id = person_of(model.rows[index.row()]) if index.isValid() else None
        if person_id:
            signal.emit(person_id)

    table_.activated.connect(activated)


class ListScreen(QWidget):
    person_opened = Signal(str)  # a row's person, chosen with Enter or a double-click

    def __init__(self) -> None:
        super().__init__()
        self.lang = "vi"
        self._layout = QVBoxLayout(self)

    def build(self, heading: str, model: ListModel, stretch: int) -> None:
        self.model = model
        self._layout.addWidget(title(heading))
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self._layout.addWidget(self.summary)
        self.table = table(model, stretch_column=stretch)
        opens_person(self.table, model, self.person_opened)
        self._layout.addWidget(self.table, 1)


class ConsultationsView(ListScreen):
    walk_in_requested = Signal()
    event_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        actions = QHBoxLayout()
        walk_in = QPushButton(self.tr("Consultation with a &walk-in (Ctrl+T)"))
        event = QPushButton(self.tr("Record an &event (Ctrl+E)"))
        actions.addWidget(walk_in)
        actions.addWidget(event)
        actions.addStretch(1)
        walk_in.clicked.connect(self.walk_in_requested)
        event.clicked.connect(self.event_requested)
        QShortcut(QKeySequence("Ctrl+T"), self, activated=self.walk_in_requested.emit)
        QShortcut(QKeySequence("Ctrl+E"), self, activated=self.event_requested.emit)
        model: ListModel[ConsultationRow] = ListModel(
            [
                Column(lambda: self.tr("When"), lambda r: format_datetime(r.at)),
                Column(lambda: self.tr("Person"), lambda r: r.person or self.tr("(walk-in)")),
                Column(lambda: self.tr("Group"), lambda r: label(r.target_group, self.lang)),
                Column(lambda: self.tr("Topics"), lambda r: ", ".join(label(t, self.lang) for t in r.topics)),
                Column(lambda: self.tr("Outcome"), lambda r: label(r.outcome, self.lang)),
                Column(
                    lambda: self.tr("Follow-up"),
                    lambda r: format_date(r.follow_up_on) if r.follow_up_on else "",
                ),
                Column(lambda: self.tr("Member"), lambda r: r.member),
                Column(lambda: self.tr("Note"), lambda r: r.note),
            ]
        )
        self.build(self.tr("Consultations"), model, stretch=7)
        self._layout.insertLayout(1, actions)

    def show_rows(self, rows: list[ConsultationRow], lang: str) -> None:
        self.lang = lang
        self.summary.setText(
            self.tr("The latest %1 consultations of the team.").replace("%1", format_number(len(rows), lang))
        )
        self.model.set_rows(rows)


class EnrolmentsView(ListScreen):
    def __init__(self) -> None:
        super().__init__()
        model: ListModel[EnrolmentRow] = ListModel(
            [
                Column(lambda: self.tr("Date"), lambda r: format_date(r.enrolled_on)),
                Column(lambda: self.tr("Kind"), lambda r: t(products.get(r.kind).message, self.lang)),
                Column(lambda: self.tr("Payer"), lambda r: r.person),
                Column(lambda: self.tr("Insured"), lambda r: str(r.participants), True),
                Column(lambda: self.tr("Months"), lambda r: str(r.months), True),
                Column(lambda: self.tr("Amount"), lambda r: format_vnd(r.amount, self.lang), True),
                Column(lambda: self.tr("Collector"), lambda r: r.member),
            ]
        )
        self.build(self.tr("Enrolments"), model, stretch=2)

    def show_rows(self, rows: list[EnrolmentRow], lang: str) -> None:
        self.lang = lang
        self.model.set_rows(rows)
