"""The two dialogs of the Receipts screen: voiding a receipt (the team leader's PIN and a reason) and
verifying a scanned or pasted receipt QR."""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.models import Member

MAX_SCAN_CHARS = 10_000  # a scanner or a paste longer than this is not a receipt; the core says so


class VoidDialog(QDialog):
    submitted = Signal(str, str, str)  # leader member id, PIN, reason

    def __init__(self, receipt: str, leaders: list[Member], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Void a receipt"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        heading = QLabel(receipt)
        heading.setProperty("role", "title")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        hint = QLabel(
            self.tr(
                "A voided receipt stays in the book: it prints and verifies as void. "
                "The team leader confirms with their own PIN."
            )
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(self.tr("e.g. wrong amount, written for the wrong person"))
        self.reason.setFixedHeight(self.fontMetrics().height() * 4)
        self.leader = QComboBox()
        for m in leaders:
            self.leader.addItem(f"{m.full_name} ({m.code})", m.id)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        form.addRow(self.tr("&Reason:"), self.reason)
        form.addRow(self.tr("Team &leader:"), self.leader)
        form.addRow(self.tr("Leader's &PIN:"), self.pin)
        layout.addLayout(form)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.confirm = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.confirm.setText(self.tr("Void the receipt"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.pin.returnPressed.connect(self._submit)
        self.reason.setFocus()

    def _submit(self) -> None:
        if self.confirm.isEnabled():
            self.submitted.emit(self.leader.currentData() or "", self.pin.text(), self.reason.toPlainText())

    def set_busy(self, busy: bool) -> None:
        self.confirm.setEnabled(not busy)

    def refuse(self, text: str) -> None:
        self.set_busy(False)
        self.message.setStyleSheet("color: #c62828;")
        self.message.setText(text)
        self.pin.clear()
        self.pin.setFocus()


@dataclass(frozen=True)
class Shown:
    """A verdict as the dialog shows it: the controller picks the words and the colour."""

    headline: str
    message: str
    colour: str
    details: list[tuple[str, str]]
    details_title: str = ""


class VerifyDialog(QDialog):
    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Verify a receipt"))
        self.setMinimumSize(680, 520)
        layout = QVBoxLayout(self)
        hint = QLabel(self.tr("Scan the receipt's QR code with the scanner, or paste its text, then press Enter."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.input = QLineEdit()
        self.input.setMaxLength(MAX_SCAN_CHARS)
        self.input.setPlaceholderText("BL1:…")
        layout.addWidget(self.input)
        self.verdict = QLabel("")
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict.setWordWrap(True)
        self.verdict.setMinimumHeight(self.fontMetrics().height() * 3)
        layout.addWidget(self.verdict)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.details_box = QFrame()
        self.details_box.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(self.details_box)
        self.details_title = QLabel("")
        self.details_title.setWordWrap(True)
        box.addWidget(self.details_title)
        self.details = QFormLayout()
        box.addLayout(self.details)
        layout.addWidget(self.details_box)
        layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.input.returnPressed.connect(self._submit)
        self.details_box.hide()
        self.input.setFocus()

    def _submit(self) -> None:
        self.submitted.emit(self.input.text())
        self.input.selectAll()  # the next scan replaces this one

    def show_result(self, shown: Shown) -> None:
        self.verdict.setText(shown.headline)
        self.verdict.setStyleSheet(
            f"background: {shown.colour}; color: white; font-size: 24pt; font-weight: bold;"
            " border-radius: 6px; padding: 10px;"
        )
        self.message.setText(shown.message)
        while self.details.rowCount():
            self.details.removeRow(0)
        for caption, value in shown.details:
            text = QLabel(value)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setWordWrap(True)
            self.details.addRow(caption, text)
        self.details_title.setText(f"<b>{html.escape(shown.details_title)}</b>")
        self.details_box.setVisible(bool(shown.details))
