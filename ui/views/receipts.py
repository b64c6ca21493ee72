"""Receipts: one day's receipts (today unless another day is picked), found by number; print, reprint,
save as PDF, void, print the day's batch, verify a scanned receipt."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.formats import format_date, format_number, format_vnd
from fieldapp.storage.work import ReceiptRow
from ui.models.list_model import Column, ListModel
from ui.views.common import table, title

VOID_COLOUR = "#c62828"


class ReceiptsView(QWidget):
    day_changed = Signal(object)  # date
    search_changed = Signal(str)
    print_requested = Signal(list)  # receipt ids
    pdf_requested = Signal(list, str)  # receipt ids, file path
    batch_requested = Signal(list)  # receipt ids: the selected ones, or all of the day's
    void_requested = Signal(str)  # receipt id
    verify_requested = Signal()
    hand_over_requested = Signal(list, str, str)  # receipt ids (the selected, or the day's), file path, what

    def __init__(self) -> None:
        super().__init__()
        self.lang = "vi"
        layout = QVBoxLayout(self)
        layout.addWidget(title(self.tr("Receipts")))
        self._build_filters(layout)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self._build_table(layout)
        self._build_actions(layout)
        self._connect_actions()
        self.busy = False
        self._enable()

    def _build_filters(self, layout: QVBoxLayout) -> None:
        """The day and the number to find, on one row."""
        filters = QHBoxLayout()
        day_label = QLabel(self.tr("&Day:"))
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        day_label.setBuddy(self.day)
        self.today_button = QPushButton(self.tr("&Today"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find by number, e.g. BI-330101-2026/0000003 or 3"))
        self.search.setClearButtonEnabled(True)
        search_label = QLabel(self.tr("&Number:"))
        search_label.setBuddy(self.search)
        for w in (day_label, self.day, self.today_button, search_label):
            filters.addWidget(w)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)

    def _build_table(self, layout: QVBoxLayout) -> None:
        """The day's receipts; a void one in red."""
        self.model: ListModel[ReceiptRow] = ListModel(
            [
                Column(lambda: self.tr("Series / number"), lambda r: r.label),
                Column(lambda: self.tr("Date"), lambda r: format_date(r.day)),
                Column(lambda: self.tr("Payer"), lambda r: r.payer),
                Column(lambda: self.tr("Amount"), lambda r: format_vnd(r.amount, self.lang), True),
                Column(lambda: self.tr("Collector"), lambda r: r.member),
                Column(lambda: self.tr("Status"), lambda r: self.tr("VOID") if r.void else self.tr("valid")),
            ]
        )
        self.model.colour = lambda r, _col: VOID_COLOUR if r.void else None
        self.table = table(self.model, stretch_column=2)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        layout.addWidget(self.table, 1)

    def _build_actions(self, layout: QVBoxLayout) -> None:
        """Print, PDF, void, batch and verify on one row; what is handed over on the next."""
        actions = QHBoxLayout()
        self.print_button = QPushButton(self.tr("&Print / reprint (Ctrl+P)"))
        self.pdf_button = QPushButton(self.tr("Save as PD&F…"))
        self.void_button = QPushButton(self.tr("V&oid… (Delete)"))
        self.batch_button = QPushButton(self.tr("Print the &batch (Ctrl+Shift+P)"))
        self.verify_button = QPushButton(self.tr("&Verify a receipt… (Ctrl+Shift+V)"))
        self.labels_button = QPushButton(self.tr("QR &labels for cards and books…"))
        self.labels_button.setToolTip(
            self.tr("QR labels for the HI cards and SI books handed over with these receipts (Ctrl+Shift+L)")
        )
        self.hand_over_button = QPushButton(self.tr("Hand-over li&st…"))
        self.hand_over_button.setToolTip(
            self.tr("The list the recipients sign for their cards and books (Ctrl+Shift+H)")
        )
        for w in (self.print_button, self.pdf_button, self.void_button, self.batch_button):
            actions.addWidget(w)
        hand_over = QHBoxLayout()
        for w in (self.labels_button, self.hand_over_button):
            hand_over.addWidget(w)
        hand_over.addStretch(1)
        actions.addStretch(1)
        actions.addWidget(self.verify_button)
        layout.addLayout(actions)
        layout.addLayout(hand_over)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

    def _connect_actions(self) -> None:
        """The buttons, the table and their keys (Delete only while the table has the focus)."""
        self.day.dateChanged.connect(lambda d: self.day_changed.emit(d.toPython()))
        self.today_button.clicked.connect(lambda: self.day.setDate(QDate.currentDate()))
        self.search.textChanged.connect(self.search_changed)
        self.print_button.clicked.connect(self._print)
        self.pdf_button.clicked.connect(self._save_pdf)
        self.void_button.clicked.connect(self._void)
        self.batch_button.clicked.connect(self._batch)
        self.verify_button.clicked.connect(self.verify_requested)
        self.labels_button.clicked.connect(lambda: self._hand_over("labels"))
        self.hand_over_button.clicked.connect(lambda: self._hand_over("list"))
        QShortcut(QKeySequence("Ctrl+Shift+L"), self, activated=lambda: self._hand_over("labels"))
        QShortcut(QKeySequence("Ctrl+Shift+H"), self, activated=lambda: self._hand_over("list"))
        self.table.doubleClicked.connect(lambda _i: self._print())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self._print)
        QShortcut(QKeySequence("Ctrl+Shift+P"), self, activated=self._batch)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, activated=self._void).setContext(
            Qt.ShortcutContext.WidgetShortcut
        )

    # --- what the controller shows ----------------------------------------------------------------

    def chosen_day(self) -> date:
        return self.day.date().toPython()

    def show_day(self, day: date) -> None:
        self.day.blockSignals(True)
        self.day.setDate(QDate(day.year, day.month, day.day))
        self.day.blockSignals(False)

    def show_rows(self, rows: list[ReceiptRow], lang: str, found_elsewhere: bool = False) -> None:
        self.lang = lang
        total = sum(r.amount for r in rows if not r.void)
        voided = sum(1 for r in rows if r.void)
        text = (
            self.tr("%1 receipts, %2 collected.")
            .replace("%1", format_number(len(rows), lang))
            .replace("%2", format_vnd(total, lang))
        )
        if voided:
            text += " " + self.tr("%1 void.").replace("%1", format_number(voided, lang))
        if found_elsewhere:
            text += " " + self.tr("Found on another day.")
        self.summary.setText(text)
        self.model.set_rows(rows)
        if rows and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        self._enable()

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {VOID_COLOUR};" if error else "")
        self.message.setText(text)

    def set_busy(self, busy: bool) -> None:
        """While a print runs its buttons are off: a second tap never starts a second job."""
        self.busy = busy
        self._enable()

    # --- the selection ----------------------------------------------------------------------------

    def selected_rows(self) -> list[ReceiptRow]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r] for r in rows]

    def _enable(self) -> None:
        selected = self.selected_rows()
        for button in (self.print_button, self.pdf_button):
            button.setEnabled(bool(selected) and not self.busy)
        self.void_button.setEnabled(len(selected) == 1 and not selected[0].void and not self.busy)
        self.batch_button.setEnabled(bool(self.model.rows) and not self.busy)
        for button in (self.labels_button, self.hand_over_button):
            button.setEnabled(bool(self.model.rows) and not self.busy)

    def _print(self) -> None:
        if self.print_button.isEnabled():
            self.print_requested.emit([r.id for r in self.selected_rows()])

    def _batch(self) -> None:
        if self.batch_button.isEnabled():
            selected = self.selected_rows()
            rows = selected if len(selected) > 1 else self.model.rows
            self.batch_requested.emit([r.id for r in rows])

    def _void(self) -> None:
        if self.void_button.isEnabled():
            self.void_requested.emit(self.selected_rows()[0].id)

    def _save_pdf(self) -> None:
        rows = self.selected_rows()
        if not rows or not self.pdf_button.isEnabled():
            return
        name = rows[0].label.replace("/", "-") if len(rows) == 1 else f"bien-lai-{self.chosen_day():%Y-%m-%d}"
        caption, kinds = self.tr("Save the receipts as PDF"), self.tr("PDF (*.pdf)")
        path, _filter = QFileDialog.getSaveFileName(self, caption, name + ".pdf", kinds)
        if path:
            self.pdf_requested.emit([r.id for r in rows], path)

    def _hand_over(self, what: str) -> None:
        """Labels or the hand-over list of the selected receipts (or of the whole day), saved as PDF."""
        if not self.labels_button.isEnabled():
            return
        rows = self.selected_rows()
        rows = rows if len(rows) > 1 else self.model.rows
        stem = "nhan-qr" if what == "labels" else "ban-giao"
        caption = (
            self.tr("Save the QR labels as PDF") if what == "labels" else self.tr("Save the hand-over list as PDF")
        )
        name = f"{stem}-{self.chosen_day():%Y-%m-%d}.pdf"
        path, _filter = QFileDialog.getSaveFileName(self, caption, name, self.tr("PDF (*.pdf)"))
        if path:
            self.hand_over_requested.emit([r.id for r in rows], path, what)
