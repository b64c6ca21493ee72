"""Close the day: a collector's receipts (count, sum, voids), corrections from earlier days, the transfers,
the cash counted note by note, the difference and why; then close, and print the hand-over slip."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from fieldapp.domain.cash import DENOMINATIONS, DayCash, counted
from fieldapp.domain.formats import format_date, format_number, format_vnd


class ClosingDialog(QDialog):
    collector_changed = Signal(str)
    close_requested = Signal(str, object, str)  # collector id, notes, explanation
    slip_requested = Signal(str, object, str)

    def __init__(self, parent, collectors: list[tuple[str, str, str, int, bool]], lang: str) -> None:
        super().__init__(parent)
        self.lang = lang
        self.cash: DayCash | None = None
        self.setWindowTitle(self.tr("Close the day"))
        self.resize(760, 640)
        layout = QVBoxLayout(self)
        top = QFormLayout()
        self.collector = QComboBox()
        for member_id, name, code, receipts, closed in collectors:
            state = self.tr("closed") if closed else self.tr("%1 receipts").replace("%1", str(receipts))
            self.collector.addItem(f"{name} ({code}) — {state}", member_id)
        top.addRow(self.tr("Collector:"), self.collector)
        layout.addLayout(top)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        box = QGroupBox(self.tr("Cash counted, note by note"))
        grid = QGridLayout(box)
        self.counts: dict[int, QSpinBox] = {}
        rows = -(-len(DENOMINATIONS) // 2)  # two columns of notes, large then small, however many there are
        for i, d in enumerate(DENOMINATIONS):
            spin = QSpinBox()
            spin.setRange(0, 100_000)
            spin.valueChanged.connect(self._recount)
            self.counts[d] = spin
            grid.addWidget(QLabel(format_number(d, lang)), i % rows, (i // rows) * 2)
            grid.addWidget(spin, i % rows, (i // rows) * 2 + 1)
        layout.addWidget(box)
        self.difference = QLabel()
        layout.addWidget(self.difference)
        self.explanation = QLineEdit()
        self.explanation.setPlaceholderText(self.tr("Why the cash differs from the receipts (needed to close)"))
        layout.addWidget(self.explanation)
        buttons = QHBoxLayout()
        self.slip_button = QPushButton(self.tr("Print the hand-over slip…"))
        self.close_button = QPushButton(self.tr("Close the day"))
        self.cancel = QPushButton(self.tr("Cancel"))
        buttons.addStretch(1)
        for b in (self.slip_button, self.close_button, self.cancel):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.collector.currentIndexChanged.connect(lambda _i: self.collector_changed.emit(self.collector_id()))
        self.close_button.clicked.connect(
            lambda: self.close_requested.emit(self.collector_id(), self.notes(), self.explanation.text())
        )
        self.slip_button.clicked.connect(
            lambda: self.slip_requested.emit(self.collector_id(), self.notes(), self.explanation.text())
        )
        self.cancel.clicked.connect(self.reject)

    def collector_id(self) -> str:
        return self.collector.currentData()

    def notes(self) -> dict[int, int]:
        return {d: s.value() for d, s in self.counts.items() if s.value()}

    def show_cash(self, cash: DayCash) -> None:
        self.cash = cash
        lang = self.lang
        lines = [
            self.tr("Day %1: %2 receipts, %3")
            .replace("%1", format_date(cash.day))
            .replace("%2", str(len(cash.valid)))
            .replace("%3", format_vnd(cash.issued_amount, lang)),
            self.tr("Transfers: %1 (%2)")
            .replace("%1", str(len(cash.transfers)))
            .replace("%2", format_vnd(cash.transfers_amount, lang)),
        ]
        for r in cash.voided:
            lines.append(
                self.tr("Void: %1 %2 — %3")
                .replace("%1", r.label)
                .replace("%2", format_vnd(r.amount, lang))
                .replace("%3", r.void_reason or "")
            )
        for r in cash.corrections:
            lines.append(
                self.tr("Correction (voided after its day was closed): %1 −%2")
                .replace("%1", f"{r.label} {format_date(r.day)}")
                .replace("%2", format_vnd(r.amount, lang))
            )
        lines.append(
            "<b>" + self.tr("Cash to hand over: %1").replace("%1", format_vnd(cash.cash_expected, lang)) + "</b>"
        )
        if cash.closed is not None:
            lines.append("<b>" + self.tr("This day is closed.") + "</b>")
            for d, spin in self.counts.items():
                spin.setValue(cash.closed.note_counts.get(d, 0))
            self.explanation.setText(cash.closed.explanation)
        self.summary.setText("<br>".join(lines))
        closed = cash.closed is not None
        self.close_button.setEnabled(not closed)
        for spin in self.counts.values():
            spin.setEnabled(not closed)
        self.explanation.setEnabled(not closed)
        self._recount()

    def _recount(self) -> None:
        if self.cash is None:
            return
        total = counted(self.notes())
        diff = total - self.cash.cash_expected
        text = (
            self.tr("Counted %1; difference %2")
            .replace("%1", format_vnd(total, self.lang))
            .replace("%2", format_vnd(diff, self.lang))
        )
        self.difference.setText(f"<b>{text}</b>" if diff else text)
        self.difference.setStyleSheet("color: #c62828;" if diff else "")
