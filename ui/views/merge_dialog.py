"""Merging two records of the same person: find the other record, see both side by side, then confirm.

Two pages: the search (Enter in the box goes to the results, Enter on a result compares) and the
comparison (Alt+A / Alt+B chooses which record is kept, Alt+G merges, Alt+L goes back). Nothing is merged
before the member presses Merge on the comparison.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.formats import format_birth
from fieldapp.storage.people import PersonRow
from ui.models.list_model import Column, ListModel
from ui.views.common import table, title

TYPING_PAUSE_MS = 120
DIFFERS = "#b26a00"  # a value the two records disagree on
FILLED = "#2e7d32"  # a gap of the kept record that the other one fills


@dataclass(frozen=True)
class ComparedField:
    """One line of the comparison: the caption, each record's value and the value after the merge."""

    caption: str
    a: str
    b: str
    after: str
    filled: bool = False  # `after` comes from the record that is not kept

    @property
    def differs(self) -> bool:
        return bool(self.a and self.b and self.a != self.b)


class MergeDialog(QDialog):
    search_changed = Signal(str)
    other_chosen = Signal(str)  # the person id of the record found
    keep_changed = Signal(bool)  # True: keep A (the record open now)
    merge_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Merge two records of the same person"))
        self.setMinimumWidth(820)
        self.pages = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self._search_page()
        self._compare_page()

    # --- page 1: find the other record ---------------------------------------------------------------

    def _search_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.intro = QLabel("")
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Name without accents, citizen ID, SI number or phone"))
        self.search.setClearButtonEnabled(True)
        search_label = QLabel(self.tr("&Find the other record:"))
        search_label.setBuddy(self.search)
        layout.addWidget(search_label)
        layout.addWidget(self.search)
        self.results: ListModel[PersonRow] = ListModel(
            [
                Column(lambda: self.tr("Name"), lambda r: r.full_name),
                Column(lambda: self.tr("Born"), lambda r: format_birth(r.birth_date, r.birth_year)),
                Column(lambda: self.tr("Citizen ID"), lambda r: r.citizen_id or ""),
                Column(lambda: self.tr("SI number"), lambda r: r.si_number or ""),
                Column(lambda: self.tr("Phone"), lambda r: r.phone or ""),
                Column(lambda: self.tr("Lives in"), lambda r: ", ".join(x for x in (r.hamlet, r.commune) if x)),
            ]
        )
        self.results_table = table(self.results, stretch_column=5)
        self.results_table.setMinimumHeight(240)
        layout.addWidget(self.results_table, 1)
        self.found = QLabel("")
        layout.addWidget(self.found)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.compare_button = QPushButton(self.tr("&Compare (Enter)"))
        self.compare_button.setEnabled(False)
        self.cancel_search = QPushButton(self.tr("Cancel"))
        for button in (self.compare_button, self.cancel_search):
            button.setAutoDefault(False)  # Enter is the table's: it compares the chosen row
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.pages.addWidget(page)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._to_results)
        self.results_table.activated.connect(lambda _index: self._choose())
        self.results_table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.compare_button.setEnabled(current.isValid())
        )
        self.compare_button.clicked.connect(self._choose)
        self.cancel_search.clicked.connect(self.reject)

    def _to_results(self) -> None:
        if self.results.rowCount():
            self.results_table.setFocus()
            if not self.results_table.currentIndex().isValid():
                self.results_table.selectRow(0)

    def _choose(self) -> None:
        current = self.results_table.currentIndex()
        if current.isValid():
            self.other_chosen.emit(self.results.rows[current.row()].id)

    def start(self, name: str, search_text: str) -> None:
        self.intro.setText(
            self.tr(
                "Merge <b>%1</b> with another record of the same person. Nothing changes before you confirm."
            ).replace("%1", html.escape(name))
        )
        self.pages.setCurrentIndex(0)
        self.search.setText(search_text)
        self.search.selectAll()
        self.search.setFocus()

    def show_results(self, rows: list[PersonRow]) -> None:
        self.results.set_rows(rows)
        self.found.setText(self.tr("%1 found").replace("%1", str(len(rows))) if self.search.text().strip() else "")
        if rows:
            self.results_table.selectRow(0)
        else:
            self.compare_button.setEnabled(False)

    # --- page 2: both side by side -------------------------------------------------------------------

    def _compare_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(title(self.tr("Are these the same person?")))
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(6)
        self.keep_a = QRadioButton(self.tr("Keep &A"))
        self.keep_b = QRadioButton(self.tr("Keep &B"))
        self.keep = QButtonGroup(self)
        self.keep.addButton(self.keep_a)
        self.keep.addButton(self.keep_b)
        self.keep_a.toggled.connect(self.keep_changed)  # exclusive: choosing B unchecks A
        headings = (self.tr("A: the record open now"), self.tr("B: the record found"), self.tr("After the merge"))
        for column, text in enumerate(headings, start=1):
            self.grid.addWidget(QLabel(f"<b>{text}</b>"), 0, column)
        self.grid.addWidget(self.keep_a, 1, 1)
        self.grid.addWidget(self.keep_b, 1, 2)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.grid.setColumnStretch(3, 1)
        self._cells: list[QLabel] = []
        layout.addLayout(self.grid)
        layout.addSpacing(10)
        self.explain = QLabel(
            self.tr(
                "The record not kept stays in the history and points to the one kept: its consultations, "
                "enrolments and receipts count for the person kept. Empty fields of the kept record are filled "
                "from the other one (green). A merge cannot be undone."
            )
        )
        self.explain.setWordWrap(True)
        layout.addWidget(self.explain)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828; font-weight: bold;")
        layout.addWidget(self.message)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        self.back_button = QPushButton(self.tr("&Look for another"))
        self.merge_button = QPushButton(self.tr("Mer&ge"))
        self.cancel_compare = QPushButton(self.tr("Cancel"))
        for button in (self.back_button, self.merge_button, self.cancel_compare):
            button.setAutoDefault(False)  # Enter never merges: Merge is pressed on purpose
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.cancel_compare)
        layout.addLayout(buttons)
        self.pages.addWidget(page)
        self.back_button.clicked.connect(self._back)
        self.merge_button.clicked.connect(self.merge_requested)
        self.cancel_compare.clicked.connect(self.reject)

    def _back(self) -> None:
        self.pages.setCurrentIndex(0)
        self.results_table.setFocus()

    def show_comparison(self, fields: list[ComparedField], keep_a: bool, refusal: str = "") -> None:
        """Both records side by side; `refusal` says why they cannot be merged (then Merge is off)."""
        for cell in self._cells:
            self.grid.removeWidget(cell)
            cell.deleteLater()
        self._cells = []
        for row, f in enumerate(fields, start=2):
            caption = QLabel(f.caption)
            cells = [caption, QLabel(f.a or "–"), QLabel(f.b or "–"), QLabel(f.after or "–")]
            for column, cell in enumerate(cells):
                cell.setWordWrap(column > 0)
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.grid.addWidget(cell, row, column)
                self._cells.append(cell)
            if f.differs:
                for cell in cells[1:3]:
                    cell.setStyleSheet(f"color: {DIFFERS}; font-weight: bold;")
            if f.filled:
                cells[3].setStyleSheet(f"color: {FILLED}; font-weight: bold;")
        self.keep_a.blockSignals(True)
        (self.keep_a if keep_a else self.keep_b).setChecked(True)
        self.keep_a.blockSignals(False)
        self.message.setText(refusal)
        self.merge_button.setEnabled(not refusal)
        if self.pages.currentIndex() != 1:
            self.pages.setCurrentIndex(1)
            (self.keep_a if keep_a else self.keep_b).setFocus()
